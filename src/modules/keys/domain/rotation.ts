import type { Sealer } from '../../../shared/crypto';

export interface SealedRow {
  id: string;
  data: Buffer;
  keyVersion: string;
  context: string;
}

export interface RotationStore {
  /** Rows of one column not sealed with `current`, after `afterId`, in id order. */
  batch(current: string, afterId: string | undefined, size: number): Promise<SealedRow[]>;
  /** Replaces the ciphertext only if it is unchanged since it was read (concurrent writers win). */
  replace(row: SealedRow, next: { data: Buffer; keyVersion: string }): Promise<boolean>;
}

export interface RotationReport {
  resealed: number;
  skipped: number;
  failures: Array<{ id: string; error: string }>;
}

/**
 * Re-seals every row to the current key version. Idempotent and resumable: rows already on the
 * current version are never selected, so a rerun continues where an interrupted one stopped. A
 * row that cannot be opened (unknown version, failed tag) is reported by id and left untouched.
 */
export async function rotateColumn(
  store: RotationStore,
  sealer: Sealer,
  batchSize = 200,
): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, skipped: 0, failures: [] };
  let afterId: string | undefined;
  for (;;) {
    const rows = await store.batch(sealer.currentVersion, afterId, batchSize);
    if (rows.length === 0) return report;
    for (const row of rows) {
      afterId = row.id;
      let plaintext: Buffer;
      try {
        plaintext = sealer.open({ ciphertext: row.data, keyVersion: row.keyVersion }, row.context);
      } catch (err) {
        report.failures.push({ id: row.id, error: err instanceof Error ? err.message : String(err) });
        continue;
      }
      const next = sealer.seal(plaintext, row.context);
      if (await store.replace(row, { data: next.ciphertext, keyVersion: next.keyVersion })) report.resealed++;
      else report.skipped++;
    }
  }
}
