import { eventually } from '../helpers/stack';
import { announcementsOf, enabledUser, setAutoPush, settle, useNotifyStack } from '../helpers/notify-harness';
import type { ServerProcess } from '../helpers/server-process';

const ABANDONED = /did not finish in time; abandoned/;

/**
 * SIGTERM while a notification job is held in Slack's chat.postMessage (an emulator delay). The drain is
 * bounded by SHUTDOWN_TIMEOUT_MS: a job that needs less finishes, a longer one is abandoned to its lock
 * and resumed by the next process. Either way the process logs "shutdown complete" and exits 0.
 */
describe('drain on SIGTERM', () => {
  jest.setTimeout(150_000);
  // Slack calls may outlast the drain bounds used here: the drain is what must cut them.
  const ctx = useNotifyStack({ env: { HTTP_TIMEOUT_MS: '20000', SHUTDOWN_TIMEOUT_MS: '14000' } });

  const posts = () => ctx.stack.slack.calls.filter((c) => c.method === 'chat.postMessage').length;

  /** Delivers a mail and pushes it; resolves once the job's DM is being held by the armed Slack fault. */
  async function jobHeldInSlack(user: { email: string }, subject: string) {
    const { stack } = ctx;
    const before = posts();
    const mail = stack.google.deliver(user.email, { from: 'drain@example.org', subject });
    expect((await stack.google.push(user.email)).status).toBe(204);
    await eventually(() => posts() === before + 1, 20_000, 10);
    expect(announcementsOf(stack, mail.id)).toHaveLength(0);
    return mail;
  }

  /** SIGTERM, then the exit; the guard only keeps a hung process from hanging the test. */
  async function terminate(server: ServerProcess) {
    server.child.kill('SIGTERM');
    const guard = new Promise<'still running'>((r) => setTimeout(() => r('still running'), 30_000).unref());
    return Promise.race([server.exited, guard]);
  }

  const messages = (server: ServerProcess) => server.logs.map((l) => l.msg ?? '');

  it('when a job needs less than the bound, then it finishes, the process logs "shutdown complete" and exits 0', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UDRAIN1', email: 'drain1@example.com' });
    setAutoPush(stack, false);
    // Longer than Fastify's default plugin timeout (10 s), which used to cut every drain short.
    stack.slack.fail('chat.postMessage', { delayMs: 11_000 });
    const mail = await jobHeldInSlack(user, 'finishes during the drain');

    const server = stack.server;
    expect(await terminate(server)).toEqual({ code: 0, signal: null });
    expect(messages(server)).toContain('shutdown complete');
    expect(messages(server).filter((m) => ABANDONED.test(m))).toEqual([]);
    expect(announcementsOf(stack, mail.id)).toHaveLength(1);

    await stack.restart();
    await settle(stack, h);
    expect(announcementsOf(stack, mail.id)).toHaveLength(1);
  });

  it('when a job needs more than the bound, then it is abandoned, the process exits 0, and the next process completes it once', async () => {
    const { stack, h } = ctx;
    await stack.server.stop('SIGTERM');
    // A resumed job waits until the abandoned post can no longer land (a few HTTP timeouts): keep it short.
    await stack.restart({ SHUTDOWN_TIMEOUT_MS: '3000', HTTP_TIMEOUT_MS: '8000' });
    const user = await enabledUser(stack, h, { userId: 'UDRAIN2', email: 'drain2@example.com' });
    setAutoPush(stack, false);
    // Held far beyond the bound, and it never lands: only the resumed job can announce the mail.
    stack.slack.fail('chat.postMessage', { delayMs: 120_000, status: 500 });
    const mail = await jobHeldInSlack(user, 'outlives the drain');

    const server = stack.server;
    expect(await terminate(server)).toEqual({ code: 0, signal: null });
    expect(messages(server)).toContain('shutdown complete');
    expect(messages(server).some((m) => ABANDONED.test(m))).toBe(true);
    expect(announcementsOf(stack, mail.id)).toHaveLength(0);

    await stack.restart();
    await eventually(() => announcementsOf(stack, mail.id).length >= 1, 60_000, 100);
    await settle(stack, h);
    expect(announcementsOf(stack, mail.id)).toHaveLength(1);
  });
});
