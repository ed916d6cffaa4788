import { Client } from 'pg';
import { loadConfig } from '../config';
import { createSealer } from '../shared/crypto';
import { keysModule } from '../modules/keys';

/**
 * `npm run keys:rotate`: re-seals every stored secret with GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY
 * (version GMAIL_OAUTH_TOKEN_KEY_VERSION), reading old ones with GMAIL_OAUTH_PREVIOUS_KEYS.
 * Safe to interrupt and rerun. Exits 2 when some rows could not be opened (listed by id).
 */
async function main() {
  const config = loadConfig();
  const sealer = createSealer(config.encryptionKeys);
  const db = new Client({ connectionString: config.DATABASE_URL });
  await db.connect();
  const keys = keysModule(db, sealer);
  let failures = 0;
  try {
    for (const column of keys.columns) {
      const report = await keys.rotate(column);
      console.log(
        `${column.table}.${column.dataColumn}: ${report.resealed} re-sealed to ${sealer.currentVersion}, ${report.skipped} changed concurrently`,
      );
      for (const f of report.failures) console.error(`  ${column.table} ${f.id}: ${f.error}`);
      failures += report.failures.length;
    }
  } finally {
    await db.end();
  }
  if (failures) {
    console.error(
      `${failures} row(s) could not be re-sealed; they keep their old key version. Add the missing key to GMAIL_OAUTH_PREVIOUS_KEYS or reconnect those users.`,
    );
    process.exit(2);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
