import { Client } from 'pg';
import { createDatabase } from '../../src/platform/prisma';
import { createTestDatabase, PG_ADMIN_URL } from '../helpers/database';

/**
 * The pool Prisma and the plain SQL share: Postgres ending its connections while it closes (a
 * shutdown, a failover, a forced drop) is dropped quietly, never thrown as an uncaught error.
 */
describe('the shared database pool', () => {
  it('when Postgres ends the connections while the pool closes, then nothing is thrown (10 rounds)', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => void uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      for (let round = 0; round < 10; round++) {
        const db = await createTestDatabase(false);
        const { prisma, sql, close } = createDatabase(db.url);
        await Promise.all([
          prisma.$queryRaw`SELECT 1 FROM pg_sleep(0.01)`,
          ...Array.from({ length: 8 }, () => sql.query('SELECT 1 FROM pg_sleep(0.01)')),
        ]);
        const { rows } = await admin.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = $1',
          [db.name],
        );
        await Promise.all([
          close(),
          new Promise((r) => setTimeout(r, Math.random() * 2)).then(() =>
            admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [
              rows.map((r) => r.pid),
            ]),
          ),
        ]);
        // The sockets' ends arrive after close() resolves: give them their turn before the next round.
        await new Promise((r) => setTimeout(r, 50));
        await db.drop();
      }
      expect(uncaught).toEqual([]);
    } finally {
      await admin.end();
      process.off('uncaughtException', onUncaught);
    }
  });
});
