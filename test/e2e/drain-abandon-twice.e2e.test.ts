import { eventually } from '../helpers/stack';
import { announcementsOf, enabledUser, setAutoPush, settle, useNotifyStack } from '../helpers/notify-harness';
import type { ServerProcess } from '../helpers/server-process';

const SHUTDOWN_TIMEOUT_MS = 1_000;

/**
 * One notification job abandoned by two drains in a row (a deploy that replaces the machine which had
 * just picked the job up again): BullMQ finds it stalled twice. It must not fail for that; the third
 * process announces the mail, once.
 */
describe('a job abandoned twice', () => {
  jest.setTimeout(240_000);
  // A resumed job waits until the abandoned post can no longer land (a few HTTP timeouts): keep it short.
  const ctx = useNotifyStack({
    env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), HTTP_TIMEOUT_MS: '4000' },
  });

  const posts = () => ctx.stack.slack.calls.filter((c) => c.method === 'chat.postMessage').length;

  /** SIGTERM, then the exit; the guard, far above the bound, only keeps a hung process from hanging the test. */
  async function terminate(server: ServerProcess) {
    server.child.kill('SIGTERM');
    const guard = new Promise<'still running'>((r) =>
      setTimeout(() => r('still running'), SHUTDOWN_TIMEOUT_MS + 10_000).unref(),
    );
    return Promise.race([server.exited, guard]);
  }

  const abandoned = (server: ServerProcess) =>
    server.logs.some((l) => /did not finish in time; abandoned/.test(l.msg ?? ''));

  it('when two drains in a row abandon the same job, then it is not failed and the third process announces the mail once', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UTWICE', email: 'twice@example.com' });
    setAutoPush(stack, false);
    // Both the first run's post and the resumed run's post are held far beyond the bound, and never land.
    stack.slack.fail('chat.postMessage', { delayMs: 120_000, status: 500, times: 2 });
    const before = posts();
    const mail = stack.google.deliver(user.email, { from: 'twice@example.org', subject: 'abandoned twice' });
    expect((await stack.google.push(user.email)).status).toBe(204);

    for (const held of [1, 2]) {
      await eventually(() => posts() >= before + held, 90_000, 20);
      const server = stack.server;
      expect(await terminate(server)).toEqual({ code: 0, signal: null });
      expect(abandoned(server)).toBe(true);
      expect(announcementsOf(stack, mail.id)).toHaveLength(0);
      await stack.restart();
    }

    await eventually(() => announcementsOf(stack, mail.id).length >= 1, 90_000, 100);
    await settle(stack, h);
    expect(announcementsOf(stack, mail.id)).toHaveLength(1);
    const failed = await h.queue.getJobs(['failed']);
    expect(failed.map((j) => j.failedReason)).toEqual([]);
  });
});
