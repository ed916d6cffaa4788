import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { promisify } from 'node:util';
import { bundledMigrationsDir, migrate, readMigrations } from '../../src/platform/migrator';
import { createTestDatabase, MIGRATIONS_DIR, type TestDatabase } from '../helpers/database';

describe('migrator', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(false);
  });
  const onTeardown: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await db.drop();
    await Promise.all(onTeardown.splice(0).map((f) => f()));
  });

  const query = async (sql: string) => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  };

  it('when run twice, then migrations apply once and are recorded as Prisma records them', async () => {
    const first = await migrate(db.url, MIGRATIONS_DIR);
    const second = await migrate(db.url, MIGRATIONS_DIR);
    const expected = (await readMigrations(MIGRATIONS_DIR)).map((m) => m.name);
    expect(first.applied).toEqual(expected);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(expected);
    const rows = await query(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations"',
    );
    expect(rows).toHaveLength(expected.length);
    expect(rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].finished_at).not.toBeNull();
    expect(await query('SELECT count(*)::int AS n FROM trigger_messages')).toEqual([{ n: 0 }]);
  });

  it('when several processes migrate at once, then each migration is applied exactly once', async () => {
    const results = await Promise.all([1, 2, 3].map(() => migrate(db.url, MIGRATIONS_DIR)));
    expect(results.reduce((n, r) => n + r.applied.length, 0)).toBe(
      (await readMigrations(MIGRATIONS_DIR)).length,
    );
  });

  it('when a migration fails, then nothing of it remains and the error names it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    await mkdir(path.join(dir, '001_ok'));
    await writeFile(path.join(dir, '001_ok', 'migration.sql'), 'CREATE TABLE a (id int);');
    await mkdir(path.join(dir, '002_bad'));
    await writeFile(
      path.join(dir, '002_bad', 'migration.sql'),
      'CREATE TABLE b (id int); SELECT * FROM missing_table;',
    );
    await expect(migrate(db.url, dir)).rejects.toThrow(/002_bad failed/);
    expect(await query("SELECT to_regclass('b') IS NULL AS gone")).toEqual([{ gone: true }]);
    expect(
      (await query('SELECT migration_name FROM "_prisma_migrations"')).map((r) => r.migration_name),
    ).toEqual(['001_ok']);
  });

  it('when the CLI runs from the filesystem root, then it finds the migrations next to its own code', async () => {
    const root = path.resolve(__dirname, '../..');
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: db.url };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'src/cli/migrate.ts')],
      { cwd: '/', env },
    );
    const expected = (await readMigrations(MIGRATIONS_DIR)).map((m) => m.name);
    expect(stdout).toContain(`${expected.length} migration(s) applied`);
    expect(
      (await query('SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name')).map(
        (r) => r.migration_name,
      ),
    ).toEqual(expected);
  });

  it('when the built CLI runs from the filesystem root, as the deploy guide runs it, then it applies the migrations', async () => {
    const root = path.resolve(__dirname, '../..');
    const cli = path.join(root, 'dist/src/cli/migrate.js');
    // CI builds before it tests; a missing build must fail here rather than leave the documented command untested.
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build before this test`);
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: db.url };
    const { stdout } = await promisify(execFile)(process.execPath, [cli], { cwd: '/', env });
    const expected = (await readMigrations(MIGRATIONS_DIR)).map((m) => m.name);
    expect(stdout).toContain(`${expected.length} migration(s) applied`);
    expect(
      (await query('SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name')).map(
        (r) => r.migration_name,
      ),
    ).toEqual(expected);
  });

  it('when a parent folder that is not the project holds prisma/migrations, then it is never taken for ours', async () => {
    const outer = await mkdtemp(path.join(os.tmpdir(), 'mailbridge-outer-'));
    onTeardown.push(() => rm(outer, { recursive: true, force: true }));
    await mkdir(path.join(outer, 'prisma/migrations/20200101000000_foreign'), { recursive: true });
    await mkdir(path.join(outer, 'app/dist/src/platform'), { recursive: true });
    expect(() => bundledMigrationsDir(path.join(outer, 'app/dist/src/platform'))).toThrow(
      /no mailbridge package.json above/,
    );
    await writeFile(path.join(outer, 'app/package.json'), JSON.stringify({ name: 'mailbridge' }));
    expect(() => bundledMigrationsDir(path.join(outer, 'app/dist/src/platform'))).toThrow(
      /no prisma\/migrations folder in .*app/,
    );
    await mkdir(path.join(outer, 'app/prisma/migrations'), { recursive: true });
    expect(bundledMigrationsDir(path.join(outer, 'app/dist/src/platform'))).toBe(
      path.join(outer, 'app/prisma/migrations'),
    );
  });

  it('when looked up from the compiled layout, then the migrations folder is the project one', () => {
    const root = path.resolve(__dirname, '../..');
    expect(bundledMigrationsDir(path.join(root, 'dist/src/platform'))).toBe(MIGRATIONS_DIR);
    expect(bundledMigrationsDir(path.join(root, 'src/platform'))).toBe(MIGRATIONS_DIR);
  });
});
