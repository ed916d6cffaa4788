import { randomInt } from 'node:crypto';
import type { Job } from 'bullmq';
import type { ViewValues } from '@mailbridge/slack-emulator';
import { eventually, type Stack } from '../helpers/stack';
import { clickHome, HOME_ACTIONS, openHome, textOf, waitForHome } from '../helpers/home-flow';
import { METADATA_SCOPE, SEND_SCOPE, seedConnection } from '../helpers/connect';
import { startAgentSink } from '../helpers/notify-agent-sink';
import {
  announcedIdsOf,
  announcementsOf,
  command,
  enabledUser,
  mailboxOf,
  settle,
  useNotifyStack,
  type NotifyHarness,
} from '../helpers/notify-harness';

/** Opens the rules modal from the App Home and submits `values`. */
async function saveRules(stack: Stack, userId: string, values: ViewValues) {
  await openHome(stack, userId);
  const before = new Set(stack.slack.modals(userId).map((v) => v.id));
  await clickHome(stack, { ownerId: userId, actionId: 'notify_rules_edit' });
  const modal = await stack.slack.waitForView(
    (v) =>
      v.callback_id === 'notification_rules' &&
      stack.slack.topModal(userId)?.id === v.id &&
      !before.has(v.id),
  );
  return stack.slack.submitView({ userId, viewId: modal.id, values });
}

const rules = (delivery: string, senders = '') => ({
  senders: { value: senders },
  skip: { value: [] },
  quiet_start: { value: '' },
  quiet_end: { value: '' },
  delivery: { value: delivery },
});

const heldCount = async (h: NotifyHarness, mailboxId: string) =>
  Number(
    (await h.db.query('SELECT count(*) FROM held_notifications WHERE mailbox_id = $1', [mailboxId])).rows[0]
      .count,
  );

const digestJob = (h: NotifyHarness, mailboxId: string): Promise<Job> =>
  eventually(async () =>
    (await h.queue.getJobs(['delayed'])).find(
      (j) => j.name === 'deliver-held' && j.data.mailboxId === mailboxId,
    ),
  );

const savedDelivery = async (h: NotifyHarness, userId: string) =>
  (await h.db.query('SELECT delivery FROM notification_rules WHERE user_id = $1', [userId])).rows[0]
    ?.delivery;

describe('held mail across the life of a connection', () => {
  const secret = `agent-${randomInt(1e9)}-secret-for-events-of-this-run`;
  const ctx = useNotifyStack({
    service: () => startAgentSink(secret),
    env: (sink) => ({ AGENT_EVENTS_URL: sink.url, AGENT_EVENTS_SECRET: secret }),
  });

  it('when the person disconnects and reconnects as another Google account, then mail held for the old one is never announced, and the new one’s digest shows on the Home', async () => {
    const { stack, h } = ctx;
    const userId = 'URSWAP';
    const user = await enabledUser(stack, h, { userId, email: 'old@example.com' });
    await saveRules(stack, userId, rules('hourly'));
    await eventually(async () => (await savedDelivery(h, userId)) === 'hourly');
    const old = stack.google.deliver(user.email, { from: 's@old-corp.example', subject: 'old account mail' });
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 1);

    await openHome(stack, userId);
    await clickHome(stack, { ownerId: userId, actionId: HOME_ACTIONS.disconnect });
    await eventually(async () => (await mailboxOf(h, userId))?.enabled === false);
    expect(await heldCount(h, user.mailboxId)).toBe(0);

    await seedConnection(stack, { userId, email: 'new@example.com', scopes: [SEND_SCOPE, METADATA_SCOPE] });
    expect((await command(stack, userId, 'on')).text).toMatch(/notifications are on/i);
    const mailbox = await eventually(async () => {
      const { rows } = await h.db.query(
        "SELECT id FROM mailboxes WHERE user_id = $1 AND enabled AND email = 'new@example.com'",
        [userId],
      );
      return rows[0] as { id: string } | undefined;
    });
    const fresh = stack.google.deliver('new@example.com', {
      from: 'n@new-corp.example',
      subject: 'new mail',
    });
    await eventually(async () => (await heldCount(h, mailbox.id)) === 1);
    await (await digestJob(h, mailbox.id)).promote();
    const digest = await eventually(() => announcementsOf(stack, fresh.id)[0]);
    expect(announcedIdsOf(digest)).toEqual([fresh.id]);
    expect(JSON.stringify(digest.blocks)).not.toContain('old-corp');
    // The digest is the person's last notification, on the App Home too.
    await waitForHome(stack, userId, (v) => textOf(v).includes('Last notification: <!date^'));
    await settle(stack, h);
    expect(announcementsOf(stack, old.id)).toHaveLength(0);
  });

  it('when notifications are turned off and on again while mail is held, then the held mail is dropped, not announced later', async () => {
    const { stack, h } = ctx;
    const userId = 'UROFFON';
    const user = await enabledUser(stack, h, { userId, email: 'offon@example.com' });
    await saveRules(stack, userId, rules('daily'));
    await eventually(async () => (await savedDelivery(h, userId)) === 'daily');
    const held = stack.google.deliver(user.email, { from: 'a@example.org', subject: 'held then off' });
    const job = await digestJob(h, user.mailboxId);
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 1);
    await command(stack, userId, 'off');
    expect(await heldCount(h, user.mailboxId)).toBe(0);
    expect((await command(stack, userId, 'on')).text).toMatch(/notifications are on/i);
    await job.promote();
    await settle(stack, h);
    expect(announcementsOf(stack, held.id)).toHaveLength(0);
  });

  it('when the grant lapses while mail is held, then the digest still comes (the last notification recorded) and the assistant was told at once', async () => {
    const { stack, h, service } = ctx;
    const userId = 'URLAPSE';
    const user = await enabledUser(stack, h, { userId, email: 'lapse@example.com' });
    await saveRules(stack, userId, rules('daily'));
    await eventually(async () => (await savedDelivery(h, userId)) === 'daily');
    const held = stack.google.deliver(user.email, { from: 'b@example.org', subject: 'held then lapsed' });
    const job = await digestJob(h, user.mailboxId);
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 1);
    // Held mail is no notification for the assistant: its event is not held.
    const event = await eventually(() => service.events.find((e) => e.body.gmail_message_id === held.id));
    expect(event.body).toMatchObject({ type: 'gmail.message.received', user_id: userId });
    expect((await mailboxOf(h, userId))?.last_notified_at).toBeNull();

    stack.google.revokeAllGrants(user.email);
    stack.google.deliver(user.email, { from: 'c@example.org', subject: 'after revoke' });
    await eventually(async () => (await mailboxOf(h, userId))?.state === 'error');
    expect(await heldCount(h, user.mailboxId)).toBe(1);

    await job.promote();
    const digest = await eventually(() => announcementsOf(stack, held.id)[0]);
    expect(announcedIdsOf(digest)).toEqual([held.id]);
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 0);
    expect((await mailboxOf(h, userId))?.last_notified_at).not.toBeNull();
  });

  it('when Slack refuses a digest for good, then it is not retried every minute: the mailbox says why and the mail waits an hour', async () => {
    const { stack, h } = ctx;
    const userId = 'URREFUSE';
    const user = await enabledUser(stack, h, { userId, email: 'refuse@example.com' });
    await saveRules(stack, userId, rules('daily'));
    await eventually(async () => (await savedDelivery(h, userId)) === 'daily');
    const held = stack.google.deliver(user.email, { from: 'd@example.org', subject: 'refused digest' });
    const job = await digestJob(h, user.mailboxId);
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 1);
    const refusals = () =>
      stack.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel !== undefined).length;
    const before = refusals();
    stack.slack.fail('chat.postMessage', { error: 'user_not_found', times: 1 });
    const promotedAt = Date.now();
    await job.promote();
    await eventually(async () => (await mailboxOf(h, userId))?.state === 'error');
    expect((await mailboxOf(h, userId))?.state_reason).toMatch(/user_not_found/);
    // One try, no retries; the held mail's next digest is an hour away.
    const next = await eventually(async () =>
      (await h.queue.getJobs(['delayed'])).find(
        (j) => j.name === 'deliver-held' && j.data.mailboxId === user.mailboxId && j.id !== job.id,
      ),
    );
    expect(new Date(next.data.until).getTime()).toBeGreaterThan(promotedAt + 59 * 60_000);
    const { rows } = await h.db.query('SELECT due_at FROM held_notifications WHERE mailbox_id = $1', [
      user.mailboxId,
    ]);
    expect(rows.map((r) => (r.due_at as Date).toISOString())).toEqual([next.data.until]);
    expect(refusals() - before).toBe(1);
    expect(announcementsOf(stack, held.id)).toHaveLength(0);
    // Once Slack takes it, the digest comes.
    await next.promote();
    await eventually(() => announcementsOf(stack, held.id)[0]);
  });

  it('when Slack is slow to give the time zone, then Save still closes the modal in time (no error shown) and the rules are saved', async () => {
    const { stack, h } = ctx;
    await enabledUser(stack, h, { userId: 'URSLOW', email: 'slow@example.com' });
    await openHome(stack, 'URSLOW');
    await clickHome(stack, { ownerId: 'URSLOW', actionId: 'notify_rules_edit' });
    const modal = await stack.slack.waitForView(
      (v) => v.callback_id === 'notification_rules' && stack.slack.topModal('URSLOW')?.id === v.id,
    );
    // Longer than the emulator waits for an acknowledgement (as Slack waits 3 s).
    stack.slack.fail('users.info', { delayMs: 6_000, times: 1 });
    const result = await stack.slack.submitView({
      userId: 'URSLOW',
      viewId: modal.id,
      values: rules('daily'),
    });
    expect(result.responseAction).toBeUndefined();
    // Acknowledged before the lookup answered: the save comes after the modal closed.
    expect(await savedDelivery(h, 'URSLOW')).toBeUndefined();
    await eventually(async () => (await savedDelivery(h, 'URSLOW')) === 'daily', 60_000, 200);
  }, 90_000);

  it('when two people edit their rules at once, then each submission saves only its submitter’s rules', async () => {
    const { stack, h } = ctx;
    await enabledUser(stack, h, { userId: 'URANN', email: 'ann@example.com' });
    await enabledUser(stack, h, { userId: 'URBEN', email: 'ben@example.com' });
    const open = async (userId: string) => {
      await openHome(stack, userId);
      await clickHome(stack, { ownerId: userId, actionId: 'notify_rules_edit' });
      return stack.slack.waitForView(
        (v) => v.callback_id === 'notification_rules' && stack.slack.topModal(userId)?.id === v.id,
      );
    };
    const [ann, ben] = [await open('URANN'), await open('URBEN')];
    // Slack sends a modal's submission only from its own viewer: Ben cannot submit Ann's.
    await expect(
      stack.slack.submitView({ userId: 'URBEN', viewId: ann.id, values: rules('daily', 'evil.example') }),
    ).rejects.toThrow(/only its viewer submits it/);
    const result = await stack.slack.submitView({
      userId: 'URBEN',
      viewId: ben.id,
      values: rules('daily', 'evil.example'),
    });
    expect(result.responseAction).toBeUndefined();
    await eventually(async () => (await savedDelivery(h, 'URBEN')) === 'daily');
    expect(await savedDelivery(h, 'URANN')).toBeUndefined();
    await stack.slack.submitView({ userId: 'URANN', viewId: ann.id, values: rules('hourly') });
    await eventually(async () => (await savedDelivery(h, 'URANN')) === 'hourly');
    expect(await savedDelivery(h, 'URBEN')).toBe('daily');
  });

  it('when a rules save races the digest of held mail (10 rounds, random timings), then every email is announced exactly once', async () => {
    const { stack, h } = ctx;
    const userId = 'URRACE';
    const user = await enabledUser(stack, h, { userId, email: 'race@example.com' });
    const all: string[] = [];
    for (let round = 0; round < 10; round++) {
      await saveRules(stack, userId, rules('hourly'));
      await eventually(async () => (await savedDelivery(h, userId)) === 'hourly');
      const ids = Array.from(
        { length: randomInt(1, 4) },
        (_, i) => stack.google.deliver(user.email, { from: `r${round}@x.org`, subject: `r${round} ${i}` }).id,
      );
      all.push(...ids);
      await eventually(async () => (await heldCount(h, user.mailboxId)) >= ids.length, 30_000);
      const job = await digestJob(h, user.mailboxId);
      stack.slack.fail('chat.postMessage', { delayMs: randomInt(0, 400) });
      const pause = () => new Promise((r) => setTimeout(r, randomInt(0, 300)));
      await Promise.all([
        pause().then(() => job.promote()),
        pause().then(() => saveRules(stack, userId, rules(round % 2 ? 'each' : 'daily'))),
      ]);
      stack.slack.clearFaults();
      if (round % 2) await eventually(async () => (await heldCount(h, user.mailboxId)) === 0, 60_000, 100);
    }
    await saveRules(stack, userId, rules('each'));
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 0, 60_000, 100);
    await settle(stack, h);
    for (const id of all) expect(announcementsOf(stack, id)).toHaveLength(1);
  }, 300_000);
});
