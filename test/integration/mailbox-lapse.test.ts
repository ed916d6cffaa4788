import { createMailboxRepo, type MailboxRepo } from '../../src/modules/notify/mailbox-store';
import { useMigratedPrisma } from '../helpers/database';

const ROUNDS = 10;
const HOUR = 3_600_000;
const EXPIRED_REASON = 'the Gmail watch expired; renewing it';
const pause = (maxMs: number) => new Promise((r) => setTimeout(r, Math.random() * maxMs));
const shuffled = <T>(xs: T[]) => [...xs].sort(() => Math.random() - 0.5);

interface Box {
  enabled?: boolean;
  state?: string;
  stateReason?: string | null;
  watchExpiresAt?: Date | null;
}

/**
 * Maintenance marks expired watches lapsed in one statement (MailboxStore.lapseExpired), on real
 * Postgres: exactly the given mailboxes that are on, still expired and not lapsed already.
 */
describe('expired watches marked lapsed together', () => {
  const pg = useMigratedPrisma();
  let repo: MailboxRepo;
  let next = 0;
  beforeAll(() => {
    repo = createMailboxRepo(pg.prisma, pg.sql);
  });

  /** Mailboxes (with their connections), one per owner U<n> of team T1; returns their ids in order. */
  async function mailboxes(boxes: Box[]): Promise<string[]> {
    const ids: string[] = [];
    for (const box of boxes) {
      const n = next++;
      const connection = await pg.prisma.gmailConnection.create({
        data: {
          teamId: 'T1',
          userId: `U${n}`,
          googleSub: `sub-${n}`,
          email: `u${n}@example.com`,
          scopes: [],
          status: 'active',
          connectedAt: new Date(),
        },
      });
      const row = await pg.prisma.mailbox.create({
        data: {
          connectionId: connection.id,
          teamId: 'T1',
          userId: `U${n}`,
          email: `u${n}@example.com`,
          enabled: box.enabled ?? true,
          state: box.state ?? 'ok',
          stateReason: box.stateReason ?? null,
          watchExpiresAt: box.watchExpiresAt === undefined ? new Date(Date.now() - HOUR) : box.watchExpiresAt,
        },
      });
      ids.push(row.id);
    }
    return ids;
  }
  const read = (id: string) => pg.prisma.mailbox.findUniqueOrThrow({ where: { id } });

  it('when given expired, lapsed, off, running and unlisted mailboxes, then only the expired ones that are on and not lapsed are marked, as setState wrote it', async () => {
    const now = new Date();
    const [expired, never, erred, lapsed, off, running, unlisted] = await mailboxes([
      {},
      { watchExpiresAt: null },
      { state: 'error', stateReason: 'Gmail was unreachable' },
      { state: 'lapsed', stateReason: 'renewing the Gmail watch failed: forbidden' },
      { enabled: false, state: 'ok' },
      { watchExpiresAt: new Date(now.getTime() + HOUR) },
      {},
    ]);
    const before = await Promise.all([lapsed!, off!, running!, unlisted!].map(read));

    const marked = await repo.lapseExpired([expired!, never!, erred!, lapsed!, off!, running!], now);

    expect(marked.map((m) => m.id).sort()).toEqual([expired!, never!, erred!].sort());
    for (const m of marked)
      expect(m).toMatchObject({ teamId: 'T1', userId: expect.stringMatching(/^U\d+$/) });
    expect(marked.find((m) => m.id === expired)!.userId).toBe((await read(expired!)).userId);
    for (const id of [expired!, never!, erred!])
      expect(await read(id)).toMatchObject({ state: 'lapsed', stateReason: EXPIRED_REASON });
    // Untouched, to the update time.
    expect(await Promise.all([lapsed!, off!, running!, unlisted!].map(read))).toEqual(before);
    expect(await repo.lapseExpired([], now)).toEqual([]);
  });

  it('when a watch is renewed after maintenance read the due mailboxes but before it marks them, then that mailbox is not marked lapsed', async () => {
    await pg.prisma.mailbox.updateMany({ data: { enabled: false } });
    const [renewed, expired] = await mailboxes([{}, {}]);
    const now = new Date();
    const due = await repo.dueForRenewal(new Date(now.getTime() + 6 * 24 * HOUR));
    expect(due.map((m) => m.id).sort()).toEqual([renewed!, expired!].sort());
    await repo.recordWatch(renewed!, new Date(now.getTime() + 7 * 24 * HOUR));

    const marked = await repo.lapseExpired(
      due.map((m) => m.id),
      now,
    );

    expect(marked.map((m) => m.id)).toEqual([expired!]);
    expect(await read(renewed!)).toMatchObject({ state: 'ok', stateReason: null });
    expect(await read(expired!)).toMatchObject({ state: 'lapsed', stateReason: EXPIRED_REASON });
  });

  it('when two machines mark the same mailboxes while some are renewed, at random timings, then each is marked at most once, none deadlocks, and a renewed one ends healthy', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const ids = await mailboxes(Array.from({ length: 30 }, () => ({})));
      const renewing = shuffled(ids).slice(0, 10);
      const now = new Date();
      const later = new Date(now.getTime() + 7 * 24 * HOUR);
      const [a, b] = await Promise.all([
        pause(5).then(() => repo.lapseExpired(shuffled(ids), now)),
        pause(5).then(() => repo.lapseExpired(shuffled(ids), now)),
        ...renewing.map((id) => pause(10).then(() => repo.recordWatch(id, later))),
      ]);
      const markedIds = [...a!, ...b!].map((m) => m.id);
      // Each mailbox once at most; every one not renewed, exactly once.
      expect(new Set(markedIds).size).toBe(markedIds.length);
      for (const id of ids.filter((id) => !renewing.includes(id))) expect(markedIds).toContain(id);
      for (const id of renewing)
        expect(await read(id)).toMatchObject({ state: 'ok', stateReason: null, watchExpiresAt: later });
      for (const id of ids.filter((id) => !renewing.includes(id)))
        expect(await read(id)).toMatchObject({ state: 'lapsed', stateReason: EXPIRED_REASON });
    }
  });

  it('when thousands of watches have expired, then one call marks them all', async () => {
    const now = new Date();
    const { count } = await pg.prisma.mailbox.updateMany({ data: { enabled: false } });
    expect(count).toBeGreaterThan(0);
    const rows = await pg.prisma.$queryRaw<Array<{ id: string }>>`
      WITH c AS (
        INSERT INTO gmail_connections (id, team_id, user_id, google_sub, email, scopes, status, connected_at, updated_at)
        SELECT gen_random_uuid(), 'T2', 'B' || i, 'bulk-' || i, 'b' || i || '@example.com', '{}', 'active', now(), now()
        FROM generate_series(1, 5000) AS i RETURNING id, user_id, email)
      INSERT INTO mailboxes (id, connection_id, team_id, user_id, email, enabled, watch_expires_at, state, updated_at)
      SELECT gen_random_uuid(), c.id, 'T2', c.user_id, c.email, true, ${new Date(now.getTime() - HOUR)}, 'ok', now()
      FROM c RETURNING id::text AS id`;
    const marked = await repo.lapseExpired(
      rows.map((r) => r.id),
      now,
    );
    expect(marked).toHaveLength(5000);
    expect(await pg.prisma.mailbox.count({ where: { teamId: 'T2', state: 'lapsed' } })).toBe(5000);
  });
});
