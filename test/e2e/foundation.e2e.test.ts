import { Client } from 'pg';
import { Queue } from 'bullmq';
import { REDIS_TEST_URL } from '../helpers/database';
import { startStack, eventually, type Stack } from '../helpers/stack';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

describe('foundation: the real server against the emulators', () => {
  let stack: Stack;
  let redisProxy: TcpProxy;

  beforeAll(async () => {
    redisProxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    stack = await startStack({ env: { REDIS_URL: redisProxy.url('redis') } });
  });
  afterAll(async () => {
    await stack?.close();
    await redisProxy?.close();
  });

  const readyz = async () => {
    const res = await fetch(`${stack.baseUrl}/readyz`);
    return {
      status: res.status,
      body: (await res.json()) as { checks: Record<string, string>; down?: string[] },
    };
  };

  it('when the server started, then liveness and readiness are up with each dependency reported', async () => {
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', checks: { postgres: 'up', redis: 'up', slack: 'up' } },
    });
  });

  it('when a user runs a slash command, then it is acknowledged over the socket and answered ephemerally', async () => {
    stack.slack.addUser({ id: 'U100', name: 'grace' });
    const ack = await stack.slack.slashCommand({
      command: '/ai-email-status',
      userId: 'U100',
      channelId: 'C100',
    });
    expect(ack.envelope_id).toBeTruthy();
    const reply = await stack.slack.waitForMessage(
      (m) =>
        (m.kind === 'response_url' || m.kind === 'ack' || m.kind === 'postEphemeral') &&
        /not connected/i.test(m.text ?? ''),
    );
    expect(reply.kind === 'postEphemeral' ? reply.user : 'U100').toBe('U100');
    expect(reply.responseType === undefined || reply.responseType === 'ephemeral').toBe(true);
  });

  it('when messages and mentions arrive, then trigger rows record author and place but never text', async () => {
    await stack.slack.event({
      type: 'message',
      channel: 'C200',
      user: 'U200',
      text: 'please email Bob',
      ts: '1800000000.000100',
    });
    await stack.slack.event({
      type: 'message',
      subtype: 'bot_message',
      channel: 'C200',
      bot_id: 'B999',
      text: 'I am a bot',
      ts: '1800000000.000200',
      thread_ts: '1800000000.000100',
    });
    await stack.slack.event({
      type: 'app_mention',
      channel: 'C200',
      user: 'U200',
      text: `<@${stack.slack.botUserId}> hi`,
      ts: '1800000000.000300',
    });
    // The envelope is acknowledged only after the row is written, so the rows exist now.
    const db = new Client({ connectionString: stack.db.url });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT * FROM trigger_messages ORDER BY ts');
      expect(rows.map((r) => [r.ts, r.user_id, r.is_bot, r.thread_ts, r.event_type])).toEqual([
        ['1800000000.000100', 'U200', false, null, 'message'],
        ['1800000000.000200', null, true, '1800000000.000100', 'message'],
        ['1800000000.000300', 'U200', false, null, 'app_mention'],
      ]);
      expect(JSON.stringify(rows)).not.toMatch(/please email|I am a bot/);
      await stack.slack.redeliverLast('events_api');
      expect((await db.query('SELECT count(*)::int AS n FROM trigger_messages')).rows[0].n).toBe(3);
    } finally {
      await db.end();
    }
  });

  it('when trigger rows are older than 7 days, then the maintenance job purges them and keeps recent ones', async () => {
    const db = new Client({ connectionString: stack.db.url });
    await db.connect();
    const queue = new Queue('maintenance', {
      connection: { url: REDIS_TEST_URL },
      prefix: `${stack.redisPrefix}:bull`,
    });
    try {
      await db.query(
        `INSERT INTO trigger_messages (id, team_id, channel_id, ts, user_id, is_bot, event_type, created_at)
         VALUES (gen_random_uuid(), 'T1', 'C300', '1700000000.000100', 'U300', false, 'message', now() - interval '8 days'),
                (gen_random_uuid(), 'T1', 'C300', '1700000000.000200', 'U300', false, 'message', now() - interval '6 days')`,
      );
      await queue.add('purge-triggers', {});
      await eventually(
        async () =>
          (await db.query("SELECT ts FROM trigger_messages WHERE channel_id = 'C300'")).rows.length === 1,
      );
      expect((await db.query("SELECT ts FROM trigger_messages WHERE channel_id = 'C300'")).rows).toEqual([
        { ts: '1700000000.000200' },
      ]);
    } finally {
      await queue.close();
      await db.end();
    }
  });

  it('when Redis goes away, then readiness is 503 naming redis, and 200 again once it returns', async () => {
    await redisProxy.stop();
    const down = await eventually(async () => {
      const r = await readyz();
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.down).toEqual(['redis']);
    expect(down.body.checks).toEqual({ postgres: 'up', redis: 'down', slack: 'up' });
    await redisProxy.start();
    await eventually(async () => (await readyz()).status === 200);
  });

  it('when the process receives SIGTERM, then it drains and exits 0 on its own (no open handles)', async () => {
    const { code, signal } = await stack.server.stop('SIGTERM');
    if (code !== 0)
      console.log(
        JSON.stringify(stack.server.logs.filter((l) => l.level >= 40)),
        stack.server.stderr.join(''),
      );
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(stack.server.logs.some((l) => l.msg === 'shutdown complete')).toBe(true);
    expect(stack.slack.connectionCount()).toBe(0);
  });
});
