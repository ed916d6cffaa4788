import { eventually } from '../helpers/stack';
import { startTcpProxy } from '../helpers/tcp-proxy';
import {
  announcementsOf,
  enabledUser,
  mailboxOf,
  setAutoPush,
  settle,
  useNotifyStack,
} from '../helpers/notify-harness';

/** A dependency taken away from the server; `end` brings it back, `cleanUp` runs however the test ended. */
interface Outage {
  end(): Promise<void>;
  cleanUp(): Promise<void>;
}

describe('notifications across outages and restarts', () => {
  const ctx = useNotifyStack({
    service: () => startTcpProxy({ host: '127.0.0.1', port: 6379 }),
    env: (redisProxy) => ({ REDIS_URL: redisProxy.url('redis') }),
  });

  it.each([
    {
      dependency: 'Redis',
      userId: 'UREDIS',
      email: 'redis@example.com',
      subject: 'during the outage',
      /** The server reaches Redis through the proxy of the stack, which stops. */
      async begin(): Promise<Outage> {
        await ctx.service.stop();
        return { end: () => ctx.service.start(), cleanUp: async () => {} };
      },
    },
    {
      dependency: 'Postgres',
      userId: 'UPG',
      email: 'pg@example.com',
      subject: 'database away',
      /** The server is restarted to reach Postgres through a proxy of its own, which stops. */
      async begin(): Promise<Outage> {
        const { stack } = ctx;
        const pgProxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
        const cleanUp = async () => {
          await stack.server.stop('SIGTERM');
          await stack.restart({ DATABASE_URL: stack.db.url });
          await pgProxy.close();
        };
        try {
          await stack.server.stop('SIGTERM');
          const url = new URL(stack.db.url);
          url.host = `127.0.0.1:${pgProxy.port}`;
          await stack.restart({ DATABASE_URL: url.toString() });
          await pgProxy.stop();
        } catch (err) {
          await cleanUp();
          throw err;
        }
        return { end: () => pgProxy.start(), cleanUp };
      },
    },
  ])(
    'when $dependency is down, then pushes get 503 and the redelivered push announces the message once $dependency is back',
    async ({ userId, email, subject, begin }) => {
      const { stack, h } = ctx;
      const user = await enabledUser(stack, h, { userId, email });
      const outage = await begin();
      try {
        const mail = stack.google.deliver(user.email, { from: 'x@example.org', subject });
        await stack.google.settled();
        const failed = stack.google.pushes.at(-1)!;
        expect(failed.status).toBe(503);

        await outage.end();
        // Pub/Sub redelivers the same message: the failed attempt must not have marked it as seen.
        await eventually(
          async () =>
            (
              await stack.google.push(user.email, {
                messageId: failed.messageId,
                historyId: failed.historyId,
              })
            ).status === 204,
          20_000,
          500,
        );
        await eventually(() => announcementsOf(stack, mail.id).length === 1);
        await settle(stack, h);
        expect(announcementsOf(stack, mail.id)).toHaveLength(1);
      } finally {
        await outage.cleanUp();
      }
    },
  );

  it('when the worker is killed (SIGKILL) mid-sync and restarted, then every message is announced and none twice', async () => {
    const { stack, h } = ctx;
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
    const { stack, h } = ctx;
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
