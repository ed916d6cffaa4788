import { eventually } from '../helpers/stack';
import { announcementsOf, enabledUser, setAutoPush, settle, useNotifyStack } from '../helpers/notify-harness';
import type { ServerProcess } from '../helpers/server-process';

const ROUNDS = 10;
const SHUTDOWN_TIMEOUT_MS = 4_000;
/** How long Slack holds each DM: shorter than the bound, so every drain lets the job finish. */
const HOLD_MS = 1_500;

/**
 * SIGTERM at a random instant while a notification job is held in Slack's chat.postMessage, round after
 * round, one server process per round. Every drain lets the job finish: each process exits 0 and each
 * mail is announced exactly once, by that process or by the next one.
 */
describe('drain on SIGTERM, at random instants', () => {
  jest.setTimeout(ROUNDS * 60_000);
  const ctx = useNotifyStack({ env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) } });

  const posts = () => ctx.stack.slack.calls.filter((c) => c.method === 'chat.postMessage').length;

  /** SIGTERM, then the exit; the guard, far above the bound, only keeps a hung process from hanging the test. */
  async function terminate(server: ServerProcess) {
    server.child.kill('SIGTERM');
    const guard = new Promise<'still running'>((r) =>
      setTimeout(() => r('still running'), SHUTDOWN_TIMEOUT_MS + 10_000).unref(),
    );
    return Promise.race([server.exited, guard]);
  }

  it(`when SIGTERM comes at a random instant of a held job (${ROUNDS} rounds), then each process exits 0 and each mail is announced once`, async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'UROUNDS', email: 'rounds@example.com' });
    const mails: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      setAutoPush(stack, false);
      stack.slack.fail('chat.postMessage', { delayMs: HOLD_MS });
      const before = posts();
      const mail = stack.google.deliver(user.email, {
        from: 'rounds@example.org',
        subject: `round ${round}`,
      });
      mails.push(mail.id);
      expect((await stack.google.push(user.email)).status).toBe(204);
      await eventually(() => posts() === before + 1, 20_000, 5);
      await new Promise((r) => setTimeout(r, Math.random() * HOLD_MS));

      const server = stack.server;
      expect(await terminate(server)).toEqual({ code: 0, signal: null });
      expect(server.logs.map((l) => l.msg)).toContain('shutdown complete');

      await stack.restart();
      await settle(stack, h);
      for (const id of mails) expect(announcementsOf(stack, id)).toHaveLength(1);
    }
  });
});
