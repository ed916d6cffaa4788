import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { REDIS_TEST_URL } from '../helpers/database';
import { draftStatus } from '../helpers/send-flow';
import { eventually, startStack, type Stack } from '../helpers/stack';

/** More than two purge statements' worth, so the job must work through several bounded batches. */
const OLD_SENT = 1_200;

describe('retention: finished drafts lose their content, old audit rows go', () => {
  let stack: Stack;
  let db: Client;
  let queue: Queue;

  beforeAll(async () => {
    stack = await startStack();
    db = new Client({ connectionString: stack.db.url });
    await db.connect();
    queue = new Queue('maintenance', {
      connection: { url: REDIS_TEST_URL },
      prefix: `${stack.redisPrefix}:bull`,
    });
  });
  afterAll(async () => {
    await queue?.close();
    await db?.end();
    await stack?.close();
  });

  /** Inserts `count` drafts in `status`, last changed `ageDays` ago, each with sealed content. */
  async function drafts(status: string, ageDays: number, count = 1): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO email_drafts (id, team_id, user_id, connection_id, channel_id, trigger_ts, sealed_content,
                                 key_version, recipient_count, status, message_id_header, expires_at,
                                 created_at, updated_at)
       SELECT gen_random_uuid(), 'T1', 'U1', gen_random_uuid(), 'C1', '1700000000.000100', '\\x0102'::bytea,
              'v1', 1, $1, '<' || gen_random_uuid() || '@example.com>', now() - make_interval(days => $2),
              now() - make_interval(days => $2), now() - make_interval(days => $2)
         FROM generate_series(1, $3)
       RETURNING id`,
      [status, ageDays, count],
    );
    return rows.map((r) => r.id);
  }

  async function audit(ageDays: number): Promise<string> {
    const id = randomUUID();
    await db.query(
      `INSERT INTO audit_events (id, team_id, user_id, kind, result, created_at)
       VALUES ($1, 'T1', 'U1', 'send', 'sent', now() - make_interval(days => $2))`,
      [id, ageDays],
    );
    return id;
  }

  const withContent = async (ids: string[]) =>
    (
      await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM email_drafts WHERE id = ANY($1::uuid[]) AND sealed_content IS NOT NULL',
        [ids],
      )
    ).rows[0]!.n;

  it('when the maintenance job runs, then old finished drafts are emptied, recent and open ones keep their content', async () => {
    const oldSent = await drafts('sent', 8, OLD_SENT);
    const oldOtherFinished = [
      ...(await drafts('cancelled', 8)),
      ...(await drafts('expired', 8)),
      ...(await drafts('failed', 8)),
      ...(await drafts('outcome_unknown', 8)),
    ];
    const recentFinished = [...(await drafts('sent', 6)), ...(await drafts('failed', 6))];
    const open = [
      ...(await drafts('pending', 8)),
      ...(await drafts('sending', 8)),
      ...(await drafts('attempting', 8)),
    ];
    const oldAudit = await audit(401);
    const recentAudit = await audit(399);

    await queue.add('purge-retention', {});
    await eventually(async () => (await withContent([...oldSent, ...oldOtherFinished])) === 0, 30_000);

    expect(await withContent(recentFinished)).toBe(recentFinished.length);
    expect(await withContent(open)).toBe(open.length);
    const { rows: purged } = await db.query(
      'SELECT status, key_version, message_id_header FROM email_drafts WHERE id = ANY($1::uuid[])',
      [oldOtherFinished],
    );
    expect(purged.map((r) => r.status).sort()).toEqual(['cancelled', 'expired', 'failed', 'outcome_unknown']);
    expect(
      purged.every((r) => r.key_version === null && /^<.+@example\.com>$/.test(r.message_id_header)),
    ).toBe(true);
    await eventually(
      async () => (await db.query('SELECT 1 FROM audit_events WHERE id = $1', [oldAudit])).rowCount === 0,
    );
    expect((await db.query('SELECT 1 FROM audit_events WHERE id = $1', [recentAudit])).rowCount).toBe(1);
  });

  it('when the assistant asks about a purged draft, then the status still answers and says the content is purged', async () => {
    const [old] = await drafts('sent', 8);
    const [recent] = await drafts('sent', 1);
    await queue.add('purge-retention', {});
    await eventually(async () => (await withContent([old!])) === 0, 30_000);

    const purged = await draftStatus(stack, old!);
    expect(purged.status).toBe(200);
    expect(purged.json).toMatchObject({ id: old, status: 'sent', recipient_count: 1, content: 'purged' });
    const kept = await draftStatus(stack, recent!);
    expect(kept.json).toMatchObject({ id: recent, status: 'sent' });
    expect(kept.json).not.toHaveProperty('content');
  });
  it('when DRAFT_RETENTION_DAYS=2 and AUDIT_RETENTION_DAYS=30, then those periods are kept instead of the defaults', async () => {
    await stack.server.stop('SIGTERM');
    await stack.restart({ DRAFT_RETENTION_DAYS: '2', AUDIT_RETENTION_DAYS: '30' });
    const beyond = [...(await drafts('sent', 3)), ...(await drafts('cancelled', 3))];
    const within = [...(await drafts('sent', 1)), ...(await drafts('failed', 1))];
    const oldAudit = await audit(31);
    const recentAudit = await audit(29);

    await queue.add('purge-retention', {});
    await eventually(async () => (await withContent(beyond)) === 0, 30_000);
    expect(await withContent(within)).toBe(within.length);
    await eventually(
      async () => (await db.query('SELECT 1 FROM audit_events WHERE id = $1', [oldAudit])).rowCount === 0,
    );
    expect((await db.query('SELECT 1 FROM audit_events WHERE id = $1', [recentAudit])).rowCount).toBe(1);
  });
});
