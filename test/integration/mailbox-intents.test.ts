import { Client } from 'pg';
import { createDatabase } from '../../src/platform/prisma';
import { createMailboxRepo, type MailboxRepo } from '../../src/modules/notify/mailbox-store';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createActiveConnection, createTestDatabase, type TestDatabase } from '../helpers/database';

const ROUNDS = 10;

/** Until a session of this database waits on a lock (asked through `client`). */
async function someoneWaitsOnALock(client: Client): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('announcement intents in Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let close: (() => Promise<void>) | undefined;
  let repo: MailboxRepo;
  let mailboxId: string;
  let connectionId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const database = createDatabase(db.url);
    ({ prisma, close } = database);
    repo = createMailboxRepo(prisma, database.sql);
    const connection = await createActiveConnection(prisma);
    connectionId = connection.id;
    const mailbox = await repo.enable({
      connection: { id: connection.id, teamId: 'T1', userId: 'U1', email: 'me@example.com' },
      historyId: 1n,
      watchExpiresAt: new Date(Date.now() + 86_400_000),
      now: new Date(),
      resetCursor: true,
    });
    mailboxId = mailbox.id;
  });

  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  beforeEach(async () => {
    await prisma.notifiedMessage.deleteMany({});
    await prisma.mailbox.update({ where: { id: mailboxId }, data: { enabled: true } });
  });

  it('when two syncs write intents for overlapping messages at once, then each message is claimed by exactly one of them', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const ids = Array.from({ length: 8 }, (_, i) => `r${round}-m${i}`);
      const shuffled = [...ids].sort(() => Math.random() - 0.5);
      const [a, b] = (await Promise.all([
        repo.recordIntent(mailboxId, ids, new Date()),
        repo.recordIntent(mailboxId, shuffled, new Date(), { ifEnabled: true }),
      ])) as [string[], string[]];
      expect([...a, ...b].sort()).toEqual([...ids].sort());
      // What a caller gets back keeps the order it asked in.
      expect(a).toEqual(ids.filter((id) => a.includes(id)));
    }
  });

  it('when a message already has a row (announced or pending), then a later intent does not claim it', async () => {
    await repo.markNotified(mailboxId, ['done']);
    await repo.recordIntent(mailboxId, ['pending'], new Date());
    expect(await repo.recordIntent(mailboxId, ['done', 'pending', 'new'], new Date())).toEqual(['new']);
    expect(await repo.recordIntent(mailboxId, [], new Date())).toEqual([]);
  });

  it('when an intent is asked for only while the mailbox is on, then a turned-off mailbox gets none written', async () => {
    expect(await repo.recordIntent(mailboxId, ['on1'], new Date(), { ifEnabled: true })).toEqual(['on1']);
    expect(await repo.recordIntent(mailboxId, ['on1'], new Date(), { ifEnabled: true })).toEqual([]);
    await repo.disable(connectionId, 'ok', null);
    expect(await repo.recordIntent(mailboxId, ['off1'], new Date(), { ifEnabled: true })).toBeUndefined();
    expect(await repo.unnotified(mailboxId, ['off1'])).toEqual(['off1']);
    // Without the condition (a held digest of a lapsed grant), the intent is written as before.
    expect(await repo.recordIntent(mailboxId, ['off2'], new Date())).toEqual(['off2']);
  });

  it('when an intent waits on a turn-off in flight, then it sees the mailbox off and writes nothing', async () => {
    const off = new Client({ connectionString: db.url });
    await off.connect();
    try {
      // What disable's statement does, held open: the row locked FOR UPDATE, turned off, pending abandoned.
      await off.query('BEGIN');
      await off.query('SELECT id FROM mailboxes WHERE connection_id = $1::uuid FOR UPDATE', [connectionId]);
      await off.query('UPDATE mailboxes SET enabled = false WHERE connection_id = $1::uuid', [connectionId]);
      await off.query(
        `UPDATE notified_messages SET state = 'abandoned' WHERE mailbox_id = $1::uuid AND state = 'pending'`,
        [mailboxId],
      );
      const intent = repo.recordIntent(mailboxId, ['late'], new Date(), { ifEnabled: true });
      // Commits only once the intent's statement waits on the row lock: no timing involved.
      await someoneWaitsOnALock(off);
      await off.query('COMMIT');
      expect(await intent).toBeUndefined();
      expect(await repo.unnotified(mailboxId, ['late'])).toEqual(['late']);
      expect(await repo.pendingIntents(mailboxId)).toEqual([]);
    } finally {
      await off.end();
    }
  });

  it('when a turn-off waits on an intent in flight, then it abandons that intent once written', async () => {
    const intent = new Client({ connectionString: db.url });
    await intent.connect();
    try {
      // What recordIntent's statement does, held open: the row locked FOR KEY SHARE, the intent inserted.
      await intent.query('BEGIN');
      await intent.query(
        `WITH turned_on AS (SELECT 1 FROM mailboxes WHERE id = $1::uuid AND enabled FOR KEY SHARE)
         INSERT INTO notified_messages (mailbox_id, gmail_message_id, state, created_at)
         SELECT $1::uuid, 'racing', 'pending', now() WHERE EXISTS (SELECT 1 FROM turned_on)`,
        [mailboxId],
      );
      const off = repo.disable(connectionId, 'ok', null);
      // Commits only once the turn-off waits on the row lock: no timing involved.
      await someoneWaitsOnALock(intent);
      await intent.query('COMMIT');
      await expect(off).resolves.toMatchObject({ wasEnabled: true });
      expect(await repo.pendingIntents(mailboxId)).toEqual([]);
    } finally {
      await intent.end();
    }
  });

  it('when notifications are turned off, then pending intents are settled, so none is reconciled later', async () => {
    await repo.recordIntent(mailboxId, ['p1', 'p2'], new Date());
    await repo.markNotified(mailboxId, ['p1']);
    await repo.disable(connectionId, 'ok', null);
    expect(await repo.pendingIntents(mailboxId)).toEqual([]);
    // Still recorded: a later sync does not announce them either.
    expect(await repo.unnotified(mailboxId, ['p1', 'p2', 'p3'])).toEqual(['p3']);
  });
});
