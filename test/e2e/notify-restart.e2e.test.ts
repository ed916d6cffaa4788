import { startStack, eventually, type Stack } from '../helpers/stack';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import {
  announcementsOf,
  enabledUser,
  mailboxOf,
  openHarness,
  setAutoPush,
  settle,
  type NotifyHarness,
} from '../helpers/notify-harness';

describe('notifications across outages and restarts', () => {
  let stack: Stack;
  let h: NotifyHarness;
  let redisProxy: TcpProxy;
  beforeAll(async () => {
    redisProxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    stack = await startStack({ env: { REDIS_URL: redisProxy.url('redis') } });
    h = await openHarness(stack);
  });
  afterAll(async () => {
    await h?.close();
    await stack?.close();
    await redisProxy?.close();
  });
  afterEach(() => {
    stack.slack.clearFaults();
    setAutoPush(stack, true);
  });

  it('when Redis is down, then pushes get 503 and the redelivered push announces the message once Redis is back', async () => {
    const user = await enabledUser(stack, h, { userId: 'UREDIS', email: 'redis@example.com' });
    await redisProxy.stop();
    const mail = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'during the outage' });
    await stack.google.settled();
    const failed = stack.google.pushes.at(-1)!;
    expect(failed.status).toBe(503);

    await redisProxy.start();
    // Pub/Sub redelivers the same message: the failed attempt must not have marked it as seen.
    await eventually(
      async () =>
        (await stack.google.push(user.email, { messageId: failed.messageId, historyId: failed.historyId }))
          .status === 204,
      20_000,
      500,
    );
    await eventually(() => announcementsOf(stack, mail.id).length === 1);
    await settle(stack, h);
    expect(announcementsOf(stack, mail.id)).toHaveLength(1);
  });

  it('when Postgres is down, then pushes get 503 and the redelivered push announces the message once it is back', async () => {
    const user = await enabledUser(stack, h, { userId: 'UPG', email: 'pg@example.com' });
    const pgProxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    try {
      await stack.server.stop('SIGTERM');
      const url = new URL(stack.db.url);
      url.host = `127.0.0.1:${pgProxy.port}`;
      await stack.restart({ DATABASE_URL: url.toString() });
      await pgProxy.stop();
      const mail = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'database away' });
      await stack.google.settled();
      const failed = stack.google.pushes.at(-1)!;
      expect(failed.status).toBe(503);

      await pgProxy.start();
      await eventually(
        async () =>
          (await stack.google.push(user.email, { messageId: failed.messageId, historyId: failed.historyId }))
            .status === 204,
        20_000,
        500,
      );
      await eventually(() => announcementsOf(stack, mail.id).length === 1);
      await settle(stack, h);
      expect(announcementsOf(stack, mail.id)).toHaveLength(1);
    } finally {
      await stack.server.stop('SIGTERM');
      await stack.restart({ DATABASE_URL: stack.db.url });
      await pgProxy.close();
    }
  });

  it('when the worker is killed (SIGKILL) mid-sync and restarted, then every message is announced and none twice', async () => {
    const user = await enabledUser(stack, h, { userId: 'UKILL', email: 'kill@example.com' });
    setAutoPush(stack, false);
    const mails = [1, 2, 3].map((i) =>
      stack.google.deliver(user.email, { from: `k${i}@example.org`, subject: `kill ${i}` }),
    );
    // The first DM goes through; the second hangs in Slack (and never lands) until the process dies.
    stack.slack.fail('chat.postMessage', { delayMs: 1 });
    stack.slack.fail('chat.postMessage', { delayMs: 20_000, status: 500 });
    const postsBefore = stack.slack.calls.filter((c) => c.method === 'chat.postMessage').length;

    expect((await stack.google.push(user.email)).status).toBe(204);
    await eventually(
      () => stack.slack.calls.filter((c) => c.method === 'chat.postMessage').length === postsBefore + 2,
    );
    expect(await stack.server.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
    expect(mails.filter((m) => announcementsOf(stack, m.id).length === 1)).toHaveLength(1);

    await stack.restart();
    // BullMQ hands the interrupted job to the new process once its lock expires (about 30 s).
    await eventually(() => mails.every((m) => announcementsOf(stack, m.id).length >= 1), 90_000, 200);
    await settle(stack, h);
    for (const m of mails) expect(announcementsOf(stack, m.id)).toHaveLength(1);
    expect(BigInt((await mailboxOf(h, 'UKILL'))!.history_id!)).toBe(
      BigInt(stack.google.historyId(user.email)),
    );
  }, 150_000);

  it('when the server was stopped while a watch expired, then start-up reconciliation renews it and catches up', async () => {
    const user = await enabledUser(stack, h, { userId: 'USTART', email: 'startup@example.com' });
    await stack.server.stop('SIGTERM');
    stack.google.expireWatch(user.email);
    await h.db.query("UPDATE mailboxes SET watch_expires_at = now() - interval '1 hour' WHERE id = $1", [
      user.mailboxId,
    ]);
    const missed = stack.google.deliver(user.email, { from: 'x@example.org', subject: 'while stopped' });
    const watchesBefore = stack.google.watchCalls.filter((c) => c.email === user.email).length;

    await stack.restart();

    await eventually(() => announcementsOf(stack, missed.id).length === 1);
    expect(stack.google.watchCalls.filter((c) => c.email === user.email).length).toBe(watchesBefore + 1);
    expect(await mailboxOf(h, 'USTART')).toMatchObject({ enabled: true, state: 'ok' });
  });
});
