import { randomInt } from 'node:crypto';
import type { Job } from 'bullmq';
import { eventually, type Stack } from '../helpers/stack';
import { clickHome, openHome } from '../helpers/home-flow';
import { announcementsOf, enabledUser, useNotifyStack, type NotifyHarness } from '../helpers/notify-harness';

const KILL_ROUNDS = 10;
const USERS = [
  { userId: 'URKILL1', email: 'rkill1@example.com' },
  { userId: 'URKILL2', email: 'rkill2@example.com' },
];

const heldCount = async (h: NotifyHarness) =>
  Number((await h.db.query<{ n: string }>('SELECT count(*) AS n FROM held_notifications')).rows[0]!.n);
const pendingIntents = async (h: NotifyHarness, since: Date) =>
  Number(
    (
      await h.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM notified_messages WHERE state = 'pending' AND created_at >= $1",
        [since],
      )
    ).rows[0]!.n,
  );
const digestJobs = async (
  h: NotifyHarness,
  states: Array<'delayed' | 'waiting' | 'active'>,
): Promise<Job[]> => (await h.queue.getJobs(states)).filter((j) => j.name === 'deliver-held');
const posts = (stack: Stack) => stack.slack.calls.filter((c) => c.method === 'chat.postMessage').length;

async function hourlyDigests(stack: Stack, h: NotifyHarness, userId: string) {
  await openHome(stack, userId);
  await clickHome(stack, { ownerId: userId, actionId: 'notify_rules_edit' });
  const modal = await stack.slack.waitForView(
    (v) => v.callback_id === 'notification_rules' && stack.slack.topModal(userId)?.id === v.id,
  );
  const result = await stack.slack.submitView({
    userId,
    viewId: modal.id,
    values: { delivery: { value: 'hourly' } },
  });
  expect(result.responseAction).toBeUndefined();
  // The modal closes first; the rules are saved right after.
  await eventually(
    async () =>
      (await h.db.query('SELECT delivery FROM notification_rules WHERE user_id = $1', [userId])).rows[0]
        ?.delivery === 'hourly',
  );
}

describe('digests of held mail across crashes', () => {
  const ctx = useNotifyStack();

  it('when the server is killed (SIGKILL) at random instants around digest delivery, then every held email is in exactly one digest', async () => {
    const { stack, h } = ctx;
    const users = [];
    for (const u of USERS) {
      users.push(await enabledUser(stack, h, u));
      await hourlyDigests(stack, h, u.userId);
    }
    const all: string[] = [];
    let interrupted = 0;
    for (let round = 0; round < KILL_ROUNDS; round++) {
      // The previous round's digests (a job handed over after the kill included) have settled.
      await eventually(
        async () =>
          (await heldCount(h)) === 0 && (await digestJobs(h, ['waiting', 'active', 'delayed'])).length === 0,
        90_000,
        200,
      );
      const ids = users.flatMap((u) =>
        Array.from({ length: randomInt(1, 4) }, (_, i) =>
          stack.google.deliver(u.email, {
            from: `r${round}-${i}@example.org`,
            subject: `round ${round} #${i}`,
          }),
        ).map((m) => m.id),
      );
      all.push(...ids);
      await eventually(async () => (await heldCount(h)) === ids.length, 30_000);
      const jobs = await eventually(async () => {
        const delayed = await digestJobs(h, ['delayed']);
        return delayed.length === users.length ? delayed : undefined;
      });
      // Slow posts, so that kills land inside a post as well as before and after one.
      stack.slack.fail('chat.postMessage', { delayMs: randomInt(200, 1_500) });
      const roundStart = new Date();
      const before = posts(stack);
      for (const j of jobs) await j.promote();
      if (round % 2 === 0) await eventually(() => posts(stack) > before, 15_000, 5);
      await new Promise((r) => setTimeout(r, randomInt(0, 800)));
      expect(await stack.server.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
      if ((await pendingIntents(h, roundStart)) > 0) interrupted += 1;
      stack.slack.clearFaults();
      await stack.restart();
    }
    await eventually(
      async () =>
        (await heldCount(h)) === 0 && (await digestJobs(h, ['waiting', 'active', 'delayed'])).length === 0,
      90_000,
      200,
    );
    for (const id of all) expect([id, announcementsOf(stack, id).length]).toEqual([id, 1]);
    // Held mail is announced in digests only, never one by one.
    for (const id of all) expect(announcementsOf(stack, id)[0]!.text).toMatch(/^\d+ new emails? in /);
    expect(interrupted).toBeGreaterThan(0);
  }, 600_000);
});
