import { Redis } from 'ioredis';
import {
  createAddressRoutes,
  forgettingRoutes,
  PUSH_TIME_EVERY_MS,
} from '../../src/modules/notify/address-routes';
import type { MailboxRepo } from '../../src/modules/notify/mailbox-store';
import { REDIS_TEST_URL, uniqueRedisPrefix } from '../helpers/database';
import { deleteRedisPrefix } from '../helpers/stack';

describe('the mailboxes of a pushed address', () => {
  const redis = new Redis(REDIS_TEST_URL);
  const prefix = uniqueRedisPrefix();
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
    redis.disconnect();
  });

  const make = () => {
    let now = new Date('2026-11-27T10:00:00Z');
    const rows = new Map<
      string,
      Array<{ id: string; enabled: boolean; email: string; connectionId: string }>
    >();
    const reads: string[] = [];
    const touches: Array<{ email: string; at: Date }> = [];
    const source = {
      touchPushByEmail: async (email: string, at: Date) => {
        reads.push(email);
        touches.push({ email, at });
        // Random interleavings of a read with a concurrent change.
        await new Promise((r) => setTimeout(r, Math.random() * 4));
        return (rows.get(email) ?? []).map(({ id, enabled }) => ({ id, enabled }));
      },
      touchPushIfOlder: async (email: string, at: Date) => void touches.push({ email, at }),
    };
    const routes = createAddressRoutes({
      redis,
      keyPrefix: `${prefix}:${Math.random()}`,
      source,
      now: () => now,
      onTouchError: () => undefined,
    });
    const store = {
      findByConnection: async (connectionId: string) =>
        [...rows.values()].flat().find((r) => r.connectionId === connectionId),
      enable: async ({ connection }: { connection: { id: string; email: string } }) => {
        for (const [email, list] of rows)
          rows.set(
            email,
            list.filter((r) => r.connectionId !== connection.id),
          );
        const row = {
          id: `mb-${connection.id}`,
          enabled: true,
          email: connection.email,
          connectionId: connection.id,
        };
        rows.set(connection.email, [...(rows.get(connection.email) ?? []), row]);
        return row;
      },
      disable: async (connectionId: string) => {
        const row = [...rows.values()].flat().find((r) => r.connectionId === connectionId);
        if (row) row.enabled = false;
        return row && { id: row.id, email: row.email, wasEnabled: true };
      },
    } as unknown as MailboxRepo;
    const mailboxes = forgettingRoutes(store, routes);
    const enable = (id: string, email: string) =>
      mailboxes.enable({
        connection: { id, email, teamId: 'T', userId: 'U' },
        historyId: 1n,
        watchExpiresAt: now,
        now,
        resetCursor: true,
      });
    const seed = (email: string, id: string) =>
      rows.set(email, [{ id, enabled: true, email, connectionId: `c-${id}` }]);
    return {
      routes,
      mailboxes,
      enable,
      seed,
      reads,
      touches,
      advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    };
  };

  it('when pushes for one address repeat, then Postgres is asked once and the push time written at most every interval', async () => {
    const t = make();
    t.seed('a@example.com', 'mb-c1');
    for (let i = 0; i < 5; i++)
      expect(await t.routes.mailboxesOf('a@example.com')).toEqual([{ id: 'mb-c1', enabled: true }]);
    expect(t.reads).toEqual(['a@example.com']);
    expect(t.touches).toHaveLength(1);
    t.advance(PUSH_TIME_EVERY_MS);
    await t.routes.mailboxesOf('a@example.com');
    await t.routes.mailboxesOf('a@example.com');
    expect(t.reads).toHaveLength(1);
    expect(t.touches).toHaveLength(2);
  });

  it('when notifications are turned off, on, or moved to another address, then the next push sees the change', async () => {
    const t = make();
    expect(await t.routes.mailboxesOf('b@example.com')).toEqual([]);
    await t.enable('c2', 'b@example.com');
    expect(await t.routes.mailboxesOf('b@example.com')).toEqual([{ id: 'mb-c2', enabled: true }]);
    await t.mailboxes.disable('c2', 'ok', null);
    expect(await t.routes.mailboxesOf('b@example.com')).toEqual([{ id: 'mb-c2', enabled: false }]);
    await t.enable('c2', 'c@example.com');
    expect(await t.routes.mailboxesOf('b@example.com')).toEqual([]);
    expect(await t.routes.mailboxesOf('c@example.com')).toEqual([{ id: 'mb-c2', enabled: true }]);
  });

  it('when a push read the rows before a change and stores them after it, then the stale rows are not kept', async () => {
    for (let round = 0; round < 10; round++) {
      const t = make();
      const email = `race${round}@example.com`;
      // The lookup reads "no mailbox", the change lands, then the lookup tries to remember its read.
      const stale = t.routes.mailboxesOf(email);
      await t.enable(`r${round}`, email);
      await stale;
      expect(await t.routes.mailboxesOf(email)).toEqual([{ id: `mb-r${round}`, enabled: true }]);
    }
  });
});
