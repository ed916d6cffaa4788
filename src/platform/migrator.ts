import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

/**
 * Applies prisma/migrations/<name>/migration.sql in order, recording each in `_prisma_migrations`
 * exactly as Prisma Migrate does (same table, sha256 checksum, same advisory lock key), so either
 * tool can take over. Works offline: no engine binary is involved.
 */
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
  checksumMismatches: string[];
}

const PACKAGE_NAME = 'mailbridge';

/**
 * The project's `prisma/migrations`, found from this module's own place (src/ under tsx, dist/src/ once
 * built, /app/dist/src/ in the image) and never from the working directory: `fly ssh console -C` runs in /.
 * Only the folder beside our own package.json counts: a `prisma/migrations` of some enclosing project is
 * never taken for ours.
 */
export function bundledMigrationsDir(start: string = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (packageName(path.join(dir, 'package.json')) === PACKAGE_NAME) {
      const candidate = path.join(dir, 'prisma', 'migrations');
      if (existsSync(candidate)) return candidate;
      throw new Error(`no prisma/migrations folder in ${dir}, where ${PACKAGE_NAME}'s package.json is`);
    }
    if (path.dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${start}`);
  }
}

function packageName(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const name: unknown = (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

export async function readMigrations(dir: string): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export async function migrate(databaseUrl: string, dir: string): Promise<MigrateResult> {
  const migrations = await readMigrations(dir);
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed) {
      throw new Error(
        `migration ${failed.migration_name} failed earlier and was never resolved; fix the database, then mark it rolled back or applied in "_prisma_migrations"`,
      );
    }
    const done = new Map(
      rows.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r.checksum]),
    );
    const result: MigrateResult = { applied: [], alreadyApplied: [], checksumMismatches: [] };
    for (const m of migrations) {
      const recorded = done.get(m.name);
      if (recorded !== undefined) {
        result.alreadyApplied.push(m.name);
        if (recorded !== m.checksum) result.checksumMismatches.push(m.name);
        continue;
      }
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
          [id, m.checksum, m.name],
        );
        await client.query(m.sql);
        await client.query(
          'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
          [id],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      result.applied.push(m.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}
