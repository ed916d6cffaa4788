import {
  createDigestDelivery,
  createRulesHook,
  type HeldDeps,
} from '../../src/modules/notify/domain/held-delivery';
import { DEFAULT_RULES, type NotificationRules } from '../../src/modules/notify/domain/rules';
import { notifyErrors } from '../../src/modules/notify/domain/errors';
import { digestMessage } from '../../src/modules/notify/blocks';
import type { Announcement, MailHeaders } from '../../src/modules/notify/domain/types';
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
function fixture(p: { rules?: NotificationRules; now: Date; tz?: string; enabled?: boolean }) {
  const mailbox = mailboxRow({ id: 'mb-1', teamId: 'T1', userId: 'U1', enabled: p.enabled ?? true });
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
  const held = new Map<string, { mail: MailHeaders; dueAt: Date }>();
  const scheduled: Date[] = [];
  const posts: Announcement[] = [];
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
      hold: async (_id, mails, dueAt) =>
        mails.forEach((m) => held.has(m.id) || held.set(m.id, { mail: m, dueAt })),
      due: async (_id, until) => [...held.values()].filter((h) => h.dueAt <= until).map((h) => h.mail),
      drop: async (_id, ids) => ids.forEach((i) => held.delete(i)),
      dropAll: async () => held.clear(),
      reschedule: async (_id, dueAt) => {
        held.forEach((h) => (h.dueAt = dueAt));
        return held.size > 0;
      },
      overdue: async () => [],
    },
    timeZoneOf: async () => p.tz,
    scheduleDigest: async (_id, dueAt) => void scheduled.push(dueAt),
  };
  let failNext: unknown;
  const deliver = createDigestDelivery({
    ...deps,
    inFlightMs: 1_000,
    findAnnounced: async () => new Set(),
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
    expect(f.posts).toEqual([{ kind: 'digest', mails: [mail(1), mail(2), mail(3)] }]);
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

  it('when very many emails were held, then each digest stays within Slack’s limits and says how many it leaves out', async () => {
    const f = fixture({ now });
    for (let i = 0; i < 150; i++) f.held.set(`g${i}`, { mail: mail(i), dueAt: now });
    await f.deliver('mb-1', now);
    expect(f.posts.map((p) => (p.kind === 'digest' ? p.mails.length : 1))).toEqual([100, 50]);
    const message = digestMessage('me@example.com', (f.posts[0] as { mails: MailHeaders[] }).mails);
    expect(message.blocks!.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks)).toContain('and 90 more');
    expect(message.text.length).toBeLessThanOrEqual(4000);
  });
});
