import path from 'node:path';
import { bundledMigrationsDir, migrate } from '../platform/migrator';

/** `npm run db:migrate`: applies pending SQL migrations to DATABASE_URL (also Fly's release command). */
async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is required, e.g. postgresql://postgres@127.0.0.1:5432/mailbridge');
    process.exit(78);
  }
  const dir = process.env.MIGRATIONS_DIR ? path.resolve(process.env.MIGRATIONS_DIR) : bundledMigrationsDir();
  const result = await migrate(databaseUrl, dir);
  for (const name of result.applied) console.log(`applied ${name}`);
  for (const name of result.checksumMismatches) console.warn(`warning: ${name} changed after it was applied`);
  console.log(
    result.applied.length
      ? `${result.applied.length} migration(s) applied`
      : `database is up to date (${result.alreadyApplied.length} migration(s))`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
