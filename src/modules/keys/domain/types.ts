/** One sealed value as stored: its row, its ciphertext, its key version and the context it is bound to. */
export interface SealedRow {
  id: string;
  data: Buffer;
  keyVersion: string;
  context: string;
}

export interface RotationReport {
  resealed: number;
  skipped: number;
  failures: Array<{ id: string; error: string }>;
}
