import { createMailboxRepo } from '../../src/modules/notify/mailbox-store';
import { toRecord } from '../../src/modules/notify/mailbox-row';
import { createRulesRepo } from '../../src/modules/notify/rules-store';
import { Client } from 'pg';
import { PG_ADMIN_URL, useMigratedPrisma } from '../helpers/database';

/**
 * The sync's reads run as plain SQL on Prisma's pool: they must return exactly what Prisma's own
 * reads return, on rows at the edges (no cursor, the largest history ids, odd texts, nulls).
 */
describe('the sync path reads, as plain SQL', () => {
  const db = useMigratedPrisma();
  // Every session of this database starts in a time zone other than UTC: the server sets its own.
  beforeAll(async () => {
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${db.db.name}" SET timezone TO 'America/New_York'`);
    await admin.end();
  });
  let owners = 0;
  /** A connection of its own (one mailbox per connection). */
  const connection = () => {
    owners += 1;
    return db.prisma.gmailConnection.create({
      data: {
        teamId: 'T1',
        userId: `U${owners}`,
        googleSub: `sub-${owners}`,
        email: `me${owners}@example.com`,
        scopes: [],
        status: 'active',
        connectedAt: new Date(),
      },
    });
  };
  const at = new Date('2026-03-29T01:30:00.123Z');

  it.each([
    [0, { historyId: null, state: 'ok', stateReason: null, email: 'Mixed.Case@Example.COM' }],
    [1, { historyId: '18446744073709551615', state: 'lapsed', stateReason: 'it’s “odd” ✓', email: 'x@y' }],
    [2, { historyId: '0', state: 'legacy-state', stateReason: '', email: '' }],
    [
      3,
      { historyId: '999999999999999999999999999999', state: 'backfilled', stateReason: null, email: 'a@b' },
    ],
  ])('when mailbox row %i is read, then it equals what Prisma reads', async (i, o) => {
    const c = await connection();
    const row = await db.prisma.mailbox.create({
      data: {
        connectionId: c.id,
        teamId: 'Té',
        userId: 'U1',
        email: o.email,
        enabled: i % 2 === 0,
        historyId: o.historyId,
        state: o.state,
        stateReason: o.stateReason,
        watchExpiresAt: i === 0 ? null : at,
        lastPushAt: at,
        lastSyncAt: i === 1 ? null : at,
        lastNotifiedAt: null,
        lapseNotifiedAt: at,
      },
    });
    const repo = createMailboxRepo(db.prisma, db.sql);
    const viaPrisma = await db.prisma.mailbox.findUnique({ where: { id: row.id } });
    expect(await repo.findById(row.id)).toStrictEqual(toRecord(viaPrisma!));
    await expect(repo.findById('00000000-0000-0000-0000-000000000000')).resolves.toBeUndefined();
  });

  it('when intents and announced ids are read, then they equal what Prisma reads, and ids are only data', async () => {
    const c = await connection();
    const m = await db.prisma.mailbox.create({
      data: { connectionId: c.id, teamId: 'T', userId: 'U', email: 'e@x' },
    });
    const when = new Date('2026-01-01T00:00:00.999Z');
    await db.prisma.notifiedMessage.createMany({
      data: [
        { mailboxId: m.id, gmailMessageId: 'a', state: 'pending', createdAt: when },
        { mailboxId: m.id, gmailMessageId: "b'; --", state: 'pending', createdAt: when },
        { mailboxId: m.id, gmailMessageId: 'c', state: 'posted', createdAt: when },
        { mailboxId: m.id, gmailMessageId: 'd', state: 'abandoned', createdAt: when },
      ],
    });
    const repo = createMailboxRepo(db.prisma, db.sql);
    const viaPrisma = await db.prisma.notifiedMessage.findMany({
      where: { state: 'pending', mailboxId: m.id },
      select: { gmailMessageId: true, createdAt: true },
    });
    const sorted = (x: Array<{ gmailId: string; intendedAt: Date }>) =>
      [...x].sort((p, q) => p.gmailId.localeCompare(q.gmailId));
    expect(sorted(await repo.pendingIntents(m.id))).toStrictEqual(
      sorted(viaPrisma.map((r) => ({ gmailId: r.gmailMessageId, intendedAt: r.createdAt }))),
    );
    expect(await repo.unnotified(m.id, ['a', "b'; --", 'c', 'd', 'e', 'e', ''])).toStrictEqual([
      'e',
      'e',
      '',
    ]);
  });

  it("when a person's rules are read, then they are what was stored, for a default row, a full one and none", async () => {
    await db.prisma.notificationRules.create({ data: { teamId: 'T', userId: 'U' } });
    await db.prisma.notificationRules.create({
      data: {
        teamId: 'T',
        userId: 'V',
        senders: ['a@b', 'x,y', '"q"', '{}', 'NULL'],
        skipCategories: ['promotions'],
        quietStart: 0,
        quietEnd: 1439,
        delivery: 'daily',
        timeZone: 'Asia/Kolkata',
      },
    });
    const repo = createRulesRepo(db.prisma, db.sql);
    const defaults = await db.prisma.notificationRules.findUniqueOrThrow({
      where: { teamId_userId: { teamId: 'T', userId: 'U' } },
    });
    await expect(repo.rulesOf('T', 'U')).resolves.toStrictEqual({
      senders: defaults.senders,
      skipCategories: defaults.skipCategories,
      quiet: null,
      delivery: defaults.delivery,
      timeZone: defaults.timeZone,
    });
    await expect(repo.rulesOf('T', 'V')).resolves.toStrictEqual({
      senders: ['a@b', 'x,y', '"q"', '{}', 'NULL'],
      skipCategories: ['promotions'],
      quiet: { start: 0, end: 1439 },
      delivery: 'daily',
      timeZone: 'Asia/Kolkata',
    });
    await expect(repo.rulesOf('T', 'none')).resolves.toBeUndefined();
  });
});
