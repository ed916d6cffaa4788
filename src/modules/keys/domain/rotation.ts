import type { Sealer } from '../../../shared/crypto';
import type { RotationStore } from './ports';
import type { RotationReport } from './types';

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
