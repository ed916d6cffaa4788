import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { migrate } from '../../src/platform/migrator';
import { createDatabase, type SqlPool } from '../../src/platform/prisma';
import type { PrismaClient } from '../../src/generated/prisma/client';

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../prisma/migrations');

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function urlFor(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database per test file; dropped (with its connections) afterwards. */
export async function createTestDatabase(migrated = true): Promise<TestDatabase> {
  const name = `mailbridge_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = urlFor(name);
  if (migrated) await migrate(url, MIGRATIONS_DIR);
  return {
    name,
    url,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

export const uniqueRedisPrefix = () => `mbtest:${randomBytes(5).toString('hex')}`;

/** One active Gmail connection row (team T1, user U1, me@example.com), for tests that need a draft's or mailbox's owner. */
export const createActiveConnection = (prisma: PrismaClient) =>
  prisma.gmailConnection.create({
    data: {
      teamId: 'T1',
      userId: 'U1',
      googleSub: 'sub-1',
      email: 'me@example.com',
      scopes: [],
      status: 'active',
      connectedAt: new Date(),
    },
  });

/** A migrated database of its own and a Prisma client on it for one test file, dropped after the file. */
export function useMigratedPrisma(): {
  readonly prisma: PrismaClient;
  readonly sql: SqlPool;
  readonly db: TestDatabase;
} {
  let db: TestDatabase | undefined;
  let prisma: PrismaClient | undefined;
  let sql: SqlPool | undefined;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ prisma, sql, close } = createDatabase(db.url));
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });
  return {
    get prisma() {
      if (!prisma) throw new Error('the test database is not ready (use it inside a test or hook)');
      return prisma;
    },
    get sql() {
      if (!sql) throw new Error('the test database is not ready (use it inside a test or hook)');
      return sql;
    },
    get db() {
      if (!db) throw new Error('the test database is not ready (use it inside a test or hook)');
      return db;
    },
  };
}
