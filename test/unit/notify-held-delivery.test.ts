import {
  createDigestDelivery,
  createRulesHook,
  giveUpDigest,
  HELD_DIGEST_LINES,
  type HeldDeps,
} from '../../src/modules/notify/domain/held-delivery';
import { DEFAULT_RULES, type NotificationRules } from '../../src/modules/notify/domain/rules';
import { notifyErrors } from '../../src/modules/notify/domain/errors';
import { digestMessage } from '../../src/modules/notify/blocks';
import type { Announcement, MailboxRecord, MailHeaders } from '../../src/modules/notify/domain/types';
import { mailboxRow, memoryMailboxes, silentLog } from '../helpers/notify-fakes';

const mail = (i: number, from = `s${i}@example.org`): MailHeaders => ({
  id: `g${i}`,
  threadId: `t${i}`,
  from,
  subject: `subject ${i}`,
  labelIds: ['INBOX'],
  receivedAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
});

/** Stores in memory: rules, held mail and the intent record (pending → posted), as the Postgres ones keep them. */
function fixture(p: {
  rules?: NotificationRules;
  now: Date;
  tz?: string;
  enabled?: boolean;
  state?: MailboxRecord['state'];
}) {
  const mailbox = mailboxRow({
    id: 'mb-1',
    teamId: 'T1',
    userId: 'U1',
    email: 'me@example.com',
    enabled: p.enabled ?? true,
    state: p.state ?? 'ok',
  });
  const mailboxes = memoryMailboxes([mailbox]);
  const intents = new Map<string, 'pending' | 'posted'>();
  Object.assign(mailboxes, {
    unnotified: async (_id: string, ids: string[]) => ids.filter((i) => !intents.has(i)),
    recordIntent: async (_id: string, ids: string[]) =>
      ids.filter((i) => !intents.has(i) && intents.set(i, 'pending')),
    markNotified: async (_id: string, ids: string[]) => ids.forEach((i) => intents.set(i, 'posted')),
    pendingIntents: async () =>
      [...intents].filter(([, s]) => s === 'pending').map(([gmailId]) => ({ gmailId, intendedAt: p.now })),
    releaseIntents: async (_id: string, ids: string[]) => ids.forEach((i) => intents.delete(i)),
  });
  let rules = p.rules;
  const held = new Map<string, { mail: MailHeaders; dueAt: Date; account?: string }>();
  const scheduled: Date[] = [];
  const posts: Announcement[] = [];
  const published: string[] = [];
  const notified: Date[] = [];
  const deps: HeldDeps = {
    mailboxes,
    clock: { now: () => p.now },
    log: silentLog(),
    rules: {
      rulesOf: async () => rules,
      save: async (_t, _u, r) => void (rules = r),
      setTimeZone: async (_t, _u, timeZone) => void (rules = rules && { ...rules, timeZone }),
    },
    held: {
      hold: async (_id, account, mails, dueAt) =>
        mails.forEach((m) => held.has(m.id) || held.set(m.id, { mail: m, dueAt, account })),
      due: async (_id, until) =>
        [...held.values()]
          .filter((h) => h.dueAt <= until)
          .map((h) => (h.account ? { ...h.mail, account: h.account } : h.mail)),
      drop: async (_id, ids) => ids.forEach((i) => held.delete(i)),
      dropAll: async () => held.clear(),
      reschedule: async (_id, dueAt, dueBy) => {
        const moved = [...held.values()].filter((h) => !dueBy || h.dueAt <= dueBy);
        moved.forEach((h) => (h.dueAt = dueAt));
        return moved.length > 0;
      },
      overdue: async () => [],
    },
    timeZoneOf: async () => p.tz,
    scheduleDigest: async (_id, dueAt) => void scheduled.push(dueAt),
    publish: async (_mb, m) => void published.push(m.id),
  };
  let failNext: unknown;
  const deliver = createDigestDelivery({
    ...deps,
    inFlightMs: 1_000,
    findAnnounced: async () => new Set(),
    notified: async (_mb, at) => void notified.push(at),
    announce: async (_mb, a) => {
      if (failNext) {
        const err = failNext;
        failNext = undefined;
        throw err;
      }
      posts.push(a);
    },
  });
  return {
    mailbox,
    hook: createRulesHook(deps),
    deliver,
    held,
    scheduled,
    posts,
    intents,
    published,
    notified,
    deps,
    rules: () => rules,
    failOnce: (err: unknown) => (failNext = err),
  };
}

describe('the sync hook of notification rules', () => {
  it('when rules list VIPs and it is quiet, then only VIP mail is held, due when the quiet hours end in the zone Slack gives now', async () => {
    const f = fixture({
      now: new Date('2026-06-10T20:30:00Z'), // 22:30 in Paris
      tz: 'Europe/Paris',
      rules: {
        ...DEFAULT_RULES,
        senders: ['vip.org'],
        quiet: { start: 22 * 60, end: 7 * 60 },
        timeZone: 'UTC',
      },
    });
    const rules = await f.hook.forMailbox(f.mailbox);
    const now = await rules.route([mail(1, 'a@vip.org'), mail(2, 'b@other.org')]);
    expect(now).toEqual([]);
    expect([...f.held.keys()]).toEqual(['g1']);
    expect(f.scheduled).toEqual([new Date('2026-06-11T05:00:00Z')]);
    expect(f.rules()?.timeZone).toBe('Europe/Paris');
  });

  it('when Slack names a zone the platform does not know, then the last known zone is used', async () => {
    const f = fixture({
      now: new Date('2026-06-10T20:30:00Z'),
      tz: 'Mars/Olympus_Mons',
      rules: { ...DEFAULT_RULES, quiet: { start: 22 * 60, end: 7 * 60 }, timeZone: 'Europe/Paris' },
    });
    expect(await (await f.hook.forMailbox(f.mailbox)).route([mail(1)])).toEqual([]);
    expect(f.scheduled).toEqual([new Date('2026-06-11T05:00:00Z')]);
    expect(f.rules()?.timeZone).toBe('Europe/Paris');
  });

  it('when no rules are saved, then every candidate is announced at once and categories are skipped', async () => {
    const f = fixture({ now: new Date('2026-06-10T20:30:00Z') });
    const rules = await f.hook.forMailbox(f.mailbox);
    expect(rules.candidate(['INBOX', 'CATEGORY_SOCIAL'])).toBe(false);
    expect(await rules.route([mail(1), mail(2)])).toHaveLength(2);
    expect(f.held.size).toBe(0);
  });
});

describe('delivering held mail', () => {
  const now = new Date('2026-06-11T05:00:00Z');

  it('when the window is due, then its held mail is one digest, confirmed, and no longer held', async () => {
    const f = fixture({ now });
    [1, 2, 3].forEach((i) => f.held.set(`g${i}`, { mail: mail(i), dueAt: now }));
    f.held.set('g9', { mail: mail(9), dueAt: new Date(now.getTime() + 3_600_000) });
    expect(await f.deliver('mb-1', now)).toEqual({ delivered: 3 });
    expect(f.posts).toEqual([{ kind: 'digest', mails: [mail(1), mail(2), mail(3)], allLines: true }]);
    expect([...f.held.keys()]).toEqual(['g9']);
    expect(f.intents.get('g2')).toBe('posted');
  });

  it('when Slack surely refused the post, then the intents are released, the mail stays held, and the retry posts it once', async () => {
    const f = fixture({ now });
    [1, 2].forEach((i) => f.held.set(`g${i}`, { mail: mail(i), dueAt: now }));
    f.failOnce(notifyErrors.fail('slack_rate_limited', 'slow down', { details: { notSent: true } }));
    await expect(f.deliver('mb-1', now)).rejects.toMatchObject({ code: 'slack_rate_limited' });
    expect(f.held.size).toBe(2);
    expect(f.intents.size).toBe(0);
    await f.deliver('mb-1', now);
    await f.deliver('mb-1', now);
    expect(f.posts).toHaveLength(1);
    expect(f.held.size).toBe(0);
  });

  it('when notifications were turned off, then held mail is dropped, not announced', async () => {
    const f = fixture({ now, enabled: false });
    f.held.set('g1', { mail: mail(1), dueAt: now });
    expect(await f.deliver('mb-1', now)).toEqual({ delivered: 0 });
    expect(f.posts).toHaveLength(0);
    expect(f.held.size).toBe(0);
  });

  it('when very many emails were held, then digests of even size list every email with its link, each within Slack’s limits', async () => {
    const f = fixture({ now });
    // The longest lines a digest can have: long names and subjects, a long mailbox address.
    const long = (i: number) => ({
      ...mail(i, `"${'<N&'.repeat(300)}" <n${i}@example.org>`),
      subject: `${'*S&<'.repeat(400)} ${i}`,
      id: `1${String(i).padStart(15, 'f')}`,
    });
    for (let i = 0; i < 150; i++) f.held.set(long(i).id, { mail: long(i), dueAt: now });
    await f.deliver('mb-1', now);
    const sizes = f.posts.map((p) => (p.kind === 'digest' ? p.mails.length : 1));
    expect(sizes).toEqual([38, 38, 38, 36]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(HELD_DIGEST_LINES);
    const account = `${'a'.repeat(64)}@${'d'.repeat(180)}.example`;
    for (const post of f.posts as Array<{ mails: MailHeaders[]; allLines?: boolean }>) {
      expect(post.allLines).toBe(true);
      const message = digestMessage(account, post.mails, post.mails.length);
      const blocks = JSON.stringify(message.blocks);
      expect(message.blocks!.length).toBeLessThanOrEqual(50);
      for (const b of message.blocks!)
        expect((b as { text?: { text: string } }).text?.text.length ?? 0).toBeLessThanOrEqual(3000);
      for (const m of post.mails) expect(blocks).toContain(`#inbox/${m.id}|`);
      expect(blocks).not.toContain(' more');
      expect(message.text.length).toBeLessThanOrEqual(4000);
    }
    expect(f.held.size).toBe(0);
    expect(f.notified).toEqual([now]);
  });

  it('when the grant lapsed (notifications off with an error), then held mail is still delivered: a digest needs only Slack', async () => {
    const f = fixture({ now, enabled: false, state: 'error' });
    f.held.set('g1', { mail: mail(1), dueAt: now, account: 'me@example.com' });
    expect(await f.deliver('mb-1', now)).toEqual({ delivered: 1 });
    expect(f.held.size).toBe(0);
  });

  it('when held mail belongs to another Google account than the mailbox’s now, then it is dropped, never shown as this account’s', async () => {
    const f = fixture({ now });
    f.held.set('g1', { mail: mail(1), dueAt: now, account: 'old@example.com' });
    f.held.set('g2', { mail: mail(2), dueAt: now, account: 'me@example.com' });
    expect(await f.deliver('mb-1', now)).toEqual({ delivered: 1 });
    expect(f.posts).toEqual([{ kind: 'digest', mails: [mail(2)], allLines: true }]);
    expect(f.held.size).toBe(0);
  });

  it('when the person moved to a zone where it is quiet at the due time, then the digest waits for those quiet hours to end', async () => {
    // Held at 23:00 in Los Angeles (quiet 22:00–07:00), due 07:00 there = 14:00Z = 00:00 in Sydney.
    const due = new Date('2026-06-10T14:00:00Z');
    const f = fixture({
      now: due,
      tz: 'Australia/Sydney',
      rules: { ...DEFAULT_RULES, quiet: { start: 22 * 60, end: 7 * 60 }, timeZone: 'America/Los_Angeles' },
    });
    f.held.set('g1', { mail: mail(1), dueAt: due });
    expect(await f.deliver('mb-1', due)).toEqual({ delivered: 0 });
    expect(f.posts).toHaveLength(0);
    const sydneyMorning = new Date('2026-06-10T21:00:00Z'); // 07:00 AEST
    expect(f.held.get('g1')?.dueAt).toEqual(sydneyMorning);
    expect(f.scheduled).toEqual([sydneyMorning]);
    expect(f.rules()?.timeZone).toBe('Australia/Sydney');
    // A digest job run before its due time (a promoted one) does not look again.
    const g = fixture({ now: due, tz: 'Australia/Sydney', rules: f.rules() });
    g.held.set('g1', { mail: mail(1), dueAt: due });
    expect(await g.deliver('mb-1', new Date(due.getTime() + 60_000))).toEqual({ delivered: 1 });
  });

  it('when nothing was delivered, then the last notification is not touched', async () => {
    const f = fixture({ now });
    expect(await f.deliver('mb-1', now)).toEqual({ delivered: 0 });
    expect(f.notified).toEqual([]);
  });

  it('when a digest is given up, then the mailbox says why and only the mail due waits an hour', async () => {
    const f = fixture({ now });
    const later = new Date(now.getTime() + 7_200_000);
    f.held.set('g1', { mail: mail(1), dueAt: now });
    f.held.set('g2', { mail: mail(2), dueAt: later });
    await giveUpDigest(f.deps, 'mb-1', now, notifyErrors.fail('slack_refused', 'user_not_found'));
    expect((await f.deps.mailboxes.findById('mb-1'))?.state).toBe('error');
    expect(f.held.get('g1')?.dueAt).toEqual(new Date(now.getTime() + 3_600_000));
    expect(f.held.get('g2')?.dueAt).toEqual(later);
    expect(f.scheduled).toEqual([new Date(now.getTime() + 3_600_000)]);
  });
});

describe('the assistant’s events for held mail', () => {
  it('when mail is held, then gmail.message.received is published at once for it (not for mail the rules skip)', async () => {
    const f = fixture({
      now: new Date('2026-06-10T20:30:00Z'),
      tz: 'Europe/Paris',
      rules: { ...DEFAULT_RULES, senders: ['vip.org'], delivery: 'daily', timeZone: 'Europe/Paris' },
    });
    const rules = await f.hook.forMailbox(f.mailbox);
    expect(await rules.route([mail(1, 'a@vip.org'), mail(2, 'b@other.org')])).toEqual([]);
    expect(f.published).toEqual(['g1']);
    expect(f.held.get('g1')?.account).toBe('me@example.com');
  });
});
