import type { Job } from 'bullmq';
import type { ViewValues } from '@mailbridge/slack-emulator';
import { eventually, type Stack } from '../helpers/stack';
import { clickHome, openHome } from '../helpers/home-flow';
import {
  announcedIdsOf,
  announcementsOf,
  enabledUser,
  settle,
  useNotifyStack,
  type NotifyHarness,
} from '../helpers/notify-harness';
import { localTime } from '../../src/modules/notify/domain/quiet-hours';

/** The emulator's default time zone for a user (Slack's for new workspaces). */
const TZ = 'America/Los_Angeles';
const hhmm = (minutes: number) => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** When the person's rules were last saved (none: undefined). */
let db: NotifyHarness['db'];
const savedAt = async (userId: string): Promise<number | undefined> => {
  const { rows } = await db.query('SELECT updated_at FROM notification_rules WHERE user_id = $1', [userId]);
  return rows[0] ? (rows[0].updated_at as Date).getTime() : undefined;
};

/**
 * Opens the rules modal from the App Home and submits `values`; answers the emulator's result once valid
 * rules are saved (the modal closes first, the save follows).
 */
async function saveRules(stack: Stack, userId: string, values: ViewValues) {
  const before = await savedAt(userId);
  await openHome(stack, userId);
  await clickHome(stack, { ownerId: userId, actionId: 'notify_rules_edit' });
  const modal = await stack.slack.waitForView(
    (v) =>
      v.type === 'modal' &&
      v.callback_id === 'notification_rules' &&
      stack.slack.topModal(userId)?.id === v.id,
  );
  const result = await stack.slack.submitView({ userId, viewId: modal.id, values });
  if (result.responseAction !== 'errors') await eventually(async () => (await savedAt(userId)) !== before);
  return { modal, result };
}

const rules = (p: {
  senders?: string;
  skip?: string[];
  start?: string;
  end?: string;
  delivery?: string;
}) => ({
  senders: { value: p.senders ?? '' },
  skip: { value: p.skip ?? [] },
  quiet_start: { value: p.start ?? '' },
  quiet_end: { value: p.end ?? '' },
  delivery: { value: p.delivery ?? 'each' },
});

async function digestJob(h: NotifyHarness, mailboxId: string): Promise<Job> {
  return eventually(async () =>
    (await h.queue.getJobs(['delayed'])).find(
      (j) => j.name === 'deliver-held' && j.data.mailboxId === mailboxId,
    ),
  );
}

const heldCount = async (h: NotifyHarness, mailboxId: string) =>
  Number(
    (await h.db.query('SELECT count(*) FROM held_notifications WHERE mailbox_id = $1', [mailboxId])).rows[0]
      .count,
  );

describe('notification rules', () => {
  const ctx = useNotifyStack();
  beforeAll(() => {
    db = ctx.h.db;
  });

  it('when the rules list VIPs and skip no category, then only VIP mail is announced, promotions included', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'URVIP', email: 'vip@example.com' });
    const { result } = await saveRules(stack, 'URVIP', rules({ senders: 'boss@example.com\npartner.org' }));
    expect(result.responseAction).toBeUndefined();
    const boss = stack.google.deliver(user.email, { from: 'Boss <boss@example.com>', subject: 'Now' });
    const partner = stack.google.deliver(user.email, { from: 'p@mail.partner.org', subject: 'Deal' });
    const other = stack.google.deliver(user.email, { from: 'other@example.org', subject: 'Noise' });
    const promo = stack.google.deliver(user.email, {
      from: 'boss@example.com',
      subject: 'Sale',
      labelIds: ['INBOX', 'CATEGORY_PROMOTIONS'],
    });
    for (const m of [boss, partner, promo]) await eventually(() => announcementsOf(stack, m.id)[0]);
    await settle(stack, h);
    for (const m of [boss, partner, promo]) expect(announcementsOf(stack, m.id)).toHaveLength(1);
    expect(announcementsOf(stack, other.id)).toHaveLength(0);

    // Reopened, the modal shows the saved rules; skipping Promotions again skips them.
    const again = await saveRules(
      stack,
      'URVIP',
      rules({ senders: 'boss@example.com', skip: ['CATEGORY_PROMOTIONS'] }),
    );
    expect(JSON.stringify(again.modal.blocks)).toContain('partner.org');
    const promo2 = stack.google.deliver(user.email, {
      from: 'boss@example.com',
      subject: 'Sale 2',
      labelIds: ['INBOX', 'CATEGORY_PROMOTIONS'],
    });
    const boss2 = stack.google.deliver(user.email, { from: 'boss@example.com', subject: 'Later' });
    await eventually(() => announcementsOf(stack, boss2.id)[0]);
    await settle(stack, h);
    expect(announcementsOf(stack, promo2.id)).toHaveLength(0);
  });

  it('when fields are wrong, then the modal stays open with an error under each', async () => {
    const { stack, h } = ctx;
    await enabledUser(stack, h, { userId: 'URBAD', email: 'bad@example.com' });
    const { result } = await saveRules(
      stack,
      'URBAD',
      rules({ senders: 'ok@example.com, nope@', start: '25:00', end: '07:00' }),
    );
    expect(result.responseAction).toBe('errors');
    expect(Object.keys(result.errors ?? {}).sort()).toEqual(['quiet_start', 'senders']);
    expect(result.modals.at(-1)?.callback_id).toBe('notification_rules');
    expect((await h.db.query("SELECT 1 FROM notification_rules WHERE user_id = 'URBAD'")).rowCount).toBe(0);
  });

  it('when mail arrives in quiet hours, then it is held and announced as one digest when they end', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'URQUIET', email: 'quiet@example.com' });
    const local = localTime(new Date(), TZ).minutes;
    const end = local + 120;
    await saveRules(stack, 'URQUIET', rules({ start: hhmm(local - 60), end: hhmm(end) }));
    const mails = [1, 2, 3].map((i) =>
      stack.google.deliver(user.email, { from: `s${i}@example.org`, subject: `Q${i}` }),
    );
    const job = await digestJob(h, user.mailboxId);
    await settle(stack, h);
    expect(await heldCount(h, user.mailboxId)).toBe(3);
    // Held senders and subjects are sealed at rest.
    const stored = await h.db.query('SELECT * FROM held_notifications WHERE mailbox_id = $1', [
      user.mailboxId,
    ]);
    expect(JSON.stringify(stored.rows)).not.toMatch(/Q1|s1@example\.org/);
    expect(Buffer.from(stored.rows[0].sealed_headers).toString('latin1')).not.toContain('s1@example.org');
    for (const m of mails) expect(announcementsOf(stack, m.id)).toHaveLength(0);
    // The job is due when the person's clock shows the end of the quiet hours.
    const due = new Date(job.timestamp + (job.opts.delay ?? 0));
    expect(localTime(due, TZ).minutes).toBe(end % 1440);
    expect(due.getTime() - Date.now()).toBeLessThanOrEqual(121 * 60_000);

    await job.promote(); // the window's end, reached now
    const digest = await eventually(() => announcementsOf(stack, mails[0]!.id)[0]);
    expect(announcedIdsOf(digest).sort()).toEqual(mails.map((m) => m.id).sort());
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 0);
    for (const m of mails) expect(announcementsOf(stack, m.id)).toHaveLength(1);
  });

  it('when quiet hours end by the clock in a zone far from UTC, then the held mail arrives as one digest on its own', async () => {
    const { stack, h } = ctx;
    const tz = 'Asia/Kathmandu'; // UTC+05:45
    const user = await enabledUser(stack, h, { userId: 'URKTM', email: 'ktm@example.com' });
    stack.slack.addUser({ id: 'URKTM', name: 'urktm', tz });
    const now = new Date();
    // The window ends at the next local minute (or the one after, when this one is nearly over).
    const end = localTime(now, tz).minutes + (now.getUTCSeconds() > 45 ? 2 : 1);
    const { modal } = await saveRules(stack, 'URKTM', rules({ start: hhmm(end - 30), end: hhmm(end) }));
    expect(JSON.stringify(modal.blocks)).toContain(tz);
    const { rows } = await h.db.query("SELECT time_zone FROM notification_rules WHERE user_id = 'URKTM'");
    expect(rows[0].time_zone).toBe(tz);
    const mails = [1, 2].map((i) =>
      stack.google.deliver(user.email, { from: `k${i}@example.org`, subject: `K${i}` }),
    );
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 2);
    expect(announcementsOf(stack, mails[0]!.id)).toHaveLength(0);

    const digest = await eventually(() => announcementsOf(stack, mails[0]!.id)[0], 150_000, 250);
    expect(localTime(new Date(), tz).minutes).toBeGreaterThanOrEqual(end % 1440);
    expect(announcedIdsOf(digest).sort()).toEqual(mails.map((m) => m.id).sort());
    await settle(stack, h);
    for (const m of mails) expect(announcementsOf(stack, m.id)).toHaveLength(1);
  }, 200_000);

  it('when delivery is hourly, then mail waits for the next full hour of the person and comes as one digest', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'URHOUR', email: 'hour@example.com' });
    await saveRules(stack, 'URHOUR', rules({ delivery: 'hourly' }));
    const mails = [1, 2].map((i) =>
      stack.google.deliver(user.email, { from: `h${i}@example.org`, subject: `H${i}` }),
    );
    const job = await digestJob(h, user.mailboxId);
    await settle(stack, h);
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 2);
    const due = new Date(job.timestamp + (job.opts.delay ?? 0));
    expect(localTime(due, TZ).minutes % 60).toBe(0);
    expect(due.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);

    await job.promote();
    const digest = await eventually(() => announcementsOf(stack, mails[0]!.id)[0]);
    expect(announcedIdsOf(digest).sort()).toEqual(mails.map((m) => m.id).sort());
    expect(digest.text).toMatch(/2 new emails/);
  });

  it('when delivery is daily, then mail waits for 08:00 of the person and comes as one digest', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'URDAY', email: 'day@example.com' });
    await saveRules(stack, 'URDAY', rules({ delivery: 'daily' }));
    const mails = [1, 2, 3].map((i) =>
      stack.google.deliver(user.email, { from: `d${i}@example.org`, subject: `D${i}` }),
    );
    const job = await digestJob(h, user.mailboxId);
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 3);
    const due = new Date(job.timestamp + (job.opts.delay ?? 0));
    expect(localTime(due, TZ).minutes).toBe(8 * 60);
    expect(due.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3_600_000);

    await job.promote();
    const digest = await eventually(() => announcementsOf(stack, mails[0]!.id)[0]);
    expect(announcedIdsOf(digest).sort()).toEqual(mails.map((m) => m.id).sort());
    await settle(stack, h);
    for (const m of mails) expect(announcementsOf(stack, m.id)).toHaveLength(1);
  });

  it('when the rules are saved to deliver each email while mail is held, then the held mail comes at once as one digest', async () => {
    const { stack, h } = ctx;
    const user = await enabledUser(stack, h, { userId: 'URNOW', email: 'now@example.com' });
    await saveRules(stack, 'URNOW', rules({ delivery: 'hourly' }));
    const mails = [1, 2].map((i) =>
      stack.google.deliver(user.email, { from: `n${i}@example.org`, subject: `N${i}` }),
    );
    await digestJob(h, user.mailboxId);
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 2);

    await saveRules(stack, 'URNOW', rules({ delivery: 'each' }));
    const digest = await eventually(() => announcementsOf(stack, mails[0]!.id)[0]);
    expect(announcedIdsOf(digest).sort()).toEqual(mails.map((m) => m.id).sort());
    await eventually(async () => (await heldCount(h, user.mailboxId)) === 0);
    const later = stack.google.deliver(user.email, { from: 'n3@example.org', subject: 'N3' });
    await eventually(() => announcementsOf(stack, later.id)[0]);
    await settle(stack, h);
    for (const m of [...mails, later]) expect(announcementsOf(stack, m.id)).toHaveLength(1);
  });
});
