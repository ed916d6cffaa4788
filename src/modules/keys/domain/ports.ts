import type { SealedRow } from './types';

/** The rows of one sealed column. */
export interface RotationStore {
  /** Rows of one column not sealed with `current`, after `afterId`, in id order. */
  batch(current: string, afterId: string | undefined, size: number): Promise<SealedRow[]>;
  /** Replaces the ciphertext only if it is unchanged since it was read (concurrent writers win). */
  replace(row: SealedRow, next: { data: Buffer; keyVersion: string }): Promise<boolean>;
}
