import { AppError } from '../../src/shared/errors';
import { createSync, type SyncDeps } from '../../src/modules/notify/domain/sync';
import type { GmailPort, MailboxStore } from '../../src/modules/notify/domain/ports';
import type {
  Announcement,
  MailboxProblem,
  MailboxRecord,
  MailHeaders,
} from '../../src/modules/notify/domain/types';
import { noticeText, problemText } from '../../src/modules/notify/replies';

const NOW = new Date('2026-11-20T12:00:00Z');

function fakeStore(mailbox: MailboxRecord) {
  const notified = new Set<string>();
  /** Intents written before a post and not yet confirmed, with their time. */
  const pending = new Map<string, Date>();
  const store = {
    mailbox,
    notified,
    pending,
    findById: async () => ({ ...store.mailbox }),
    findByConnection: async () => ({ ...store.mailbox }),
    advanceCursor: async (_id: string, h: bigint) => {
      if (store.mailbox.historyId !== null && h <= store.mailbox.historyId) return false;
      store.mailbox.historyId = h;
      return true;
    },
    recordSync: async (
      id: string,
      p: { state: MailboxRecord['state']; problem: MailboxProblem | null; advanceTo?: bigint },
    ) => {
      if (p.advanceTo !== undefined) await store.advanceCursor(id, p.advanceTo);
      store.mailbox.state = p.state;
      store.mailbox.stateReason = p.problem && problemText(p.problem);
    },
    setState: async (_id: string, state: MailboxRecord['state'], problem: MailboxProblem | null) => {
      Object.assign(store.mailbox, { state, stateReason: problem && problemText(problem) });
    },
    disable: async () => {
      store.mailbox.enabled = false;
      return { id: mailbox.id, email: mailbox.email, wasEnabled: true };
    },
    unnotified: async (_id: string, ids: string[]) => ids.filter((i) => !notified.has(i) && !pending.has(i)),
    recordIntent: async (_id: string, ids: string[], now: Date, opts?: { ifEnabled: boolean }) => {
      if (opts?.ifEnabled && !store.mailbox.enabled) return undefined;
      const fresh = ids.filter((i) => !notified.has(i) && !pending.has(i));
      fresh.forEach((i) => pending.set(i, now));
      return fresh;
    },
    markNotified: async (_id: string, ids: string[]) =>
      ids.forEach((i) => {
        pending.delete(i);
        notified.add(i);
      }),
    pendingIntents: async () => [...pending].map(([gmailId, intendedAt]) => ({ gmailId, intendedAt })),
    releaseIntents: async (_id: string, ids: string[]) => ids.forEach((i) => pending.delete(i)),
  };
  return store as typeof store & MailboxStore;
}

const mailbox = (): MailboxRecord => ({
  id: 'mb',
  connectionId: 'c',
  teamId: 'T',
  userId: 'U',
  email: 'me@example.com',
  enabled: true,
  historyId: 100n,
  watchExpiresAt: new Date(NOW.getTime() + 86_400_000),
  state: 'ok',
  stateReason: null,
  lastPushAt: null,
  lastSyncAt: new Date(NOW.getTime() - 60_000),
  lastNotifiedAt: null,
  lapseNotifiedAt: null,
});

const headers = (id: string): MailHeaders => ({
  id,
  threadId: id,
  labelIds: ['INBOX'],
  from: 'x@example.org',
  subject: `s-${id}`,
  receivedAt: NOW,
});

function fakeGmail(history: string[], current = '200', over: Partial<GmailPort> = {}): GmailPort {
  return {
    watch: async () => ({ historyId: current, expiration: NOW }),
    stop: async () => undefined,
    // Two pages, to prove every page is read.
    listHistory: async (_start, token) => {
      const half = Math.ceil(history.length / 2);
      const page = token ? history.slice(half) : history.slice(0, half);
      return {
        messages: page.map((id) => ({ id, labelIds: ['INBOX'] })),
        nextPageToken: token || half >= history.length ? undefined : 'p2',
        historyId: current,
      };
    },
    headers: async (id) => headers(id),
    recentInbox: async () => [],
    currentHistoryId: async () => current,
    ...over,
  };
}

function setup(gmail: GmailPort, over: Partial<SyncDeps> = {}) {
  const store = fakeStore(mailbox());
  const posted: string[][] = [];
  const told: string[] = [];
  const rechecks: bigint[] = [];
  const deps: SyncDeps = {
    mailboxes: store,
    openGmail: async () => gmail,
    clock: { now: () => NOW },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    announce: async (_m, a) => void posted.push(a.kind === 'single' ? [a.mail.id] : a.mails.map((m) => m.id)),
    // What Slack shows: every post so far (the DM read back through message metadata).
    findAnnounced: async () => new Set(posted.flat()),
    inFlightMs: 0,
    tell: async (m, notice) => void told.push(noticeText(m, notice)),
    publish: async () => undefined,
    scheduleRecheck: async (_id, h) => void rechecks.push(h),
    digestThreshold: 3,
    fetchConcurrency: 2,
    backfillSize: 20,
    ...over,
  };
  return { sync: createSync(deps), deps, store, posted, told, rechecks };
}

describe('mailbox sync', () => {
  it('when history has new messages on two pages, then each is posted once and the cursor moves after them', async () => {
    const { sync, store, posted } = setup(fakeGmail(['a', 'b', 'a']));
    await expect(sync.run({ mailboxId: 'mb', historyId: 200n })).resolves.toMatchObject({
      status: 'synced',
      announced: 2,
    });
    expect(posted).toEqual([['a'], ['b']]);
    expect(store.mailbox.historyId).toBe(200n);
  });

  it('when a post fails half-way, then the cursor stays and the retry posts only what is missing', async () => {
    let fail = true;
    const { sync, store, posted } = setup(fakeGmail(['a', 'b']), {
      announce: async (_m, a) => {
        if (a.kind === 'single' && a.mail.id === 'b' && fail)
          throw new AppError('slack_unavailable', 'down', { kind: 'transient' });
        posted.push(a.kind === 'single' ? [a.mail.id] : []);
      },
    });
    await expect(sync.run({ mailboxId: 'mb' })).rejects.toThrow('down');
    expect(store.mailbox.historyId).toBe(100n);
    fail = false;
    await sync.run({ mailboxId: 'mb' });
    expect(posted).toEqual([['a'], ['b']]);
    expect(store.mailbox.historyId).toBe(200n);
  });

  it('when notifications are turned off during a sync, then nothing more is posted', async () => {
    const ctx = setup(fakeGmail(['a', 'b']), {
      announce: async (_m, a) => {
        ctx.posted.push(a.kind === 'single' ? [a.mail.id] : []);
        ctx.store.mailbox.enabled = false;
      },
    });
    await expect(ctx.sync.run({ mailboxId: 'mb' })).resolves.toEqual({
      status: 'skipped',
      reason: 'disabled',
    });
    expect(ctx.posted).toEqual([['a']]);
    expect(ctx.store.mailbox.historyId).toBe(100n);
  });

  it('when more messages than the threshold arrive, then one digest is posted', async () => {
    const { sync, posted } = setup(fakeGmail(['a', 'b', 'c', 'd']));
    await sync.run({ mailboxId: 'mb' });
    expect(posted).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('when history is empty but the push is ahead of the cursor, then exactly one recheck is scheduled', async () => {
    const { sync, rechecks } = setup(fakeGmail([], '100'));
    await expect(sync.run({ mailboxId: 'mb', historyId: 150n })).resolves.toMatchObject({ recheck: true });
    await sync.run({ mailboxId: 'mb', historyId: 150n, recheck: true });
    await sync.run({ mailboxId: 'mb', historyId: 90n });
    await sync.run({ mailboxId: 'mb' });
    expect(rechecks).toEqual([150n]);
  });

  it('when the push names a history id the cursor already covers and no newer push was accepted, then Gmail is not read and only left intents are settled', async () => {
    let gmailOpened = 0;
    const asked: string[] = [];
    const { sync, store, posted } = setup(fakeGmail(['a']), {
      openGmail: async () => {
        gmailOpened += 1;
        return fakeGmail(['a']);
      },
      pushedUpTo: async (email) => {
        asked.push(email);
        return 100n;
      },
    });
    store.pending.set('left', new Date(NOW.getTime() - 60_000));
    await expect(sync.run({ mailboxId: 'mb', historyId: 90n })).resolves.toEqual({
      status: 'skipped',
      reason: 'covered',
    });
    await sync.run({ mailboxId: 'mb', historyId: 100n });
    expect(asked).toEqual(['me@example.com', 'me@example.com']);
    expect(gmailOpened).toBe(0);
    expect(posted).toEqual([]);
    expect(store.pending.size).toBe(0);
    expect(store.mailbox.historyId).toBe(100n);
  });

  it.each([
    ['a newer push was accepted for the address (folded into this job while it waited)', 101n],
    ['nothing is known of the pushes for the address', undefined],
  ])('when the push names a covered history id but %s, then Gmail is read', async (_name, highest) => {
    let gmailOpened = 0;
    const { sync, posted } = setup(fakeGmail(['a']), {
      openGmail: async () => {
        gmailOpened += 1;
        return fakeGmail(['a']);
      },
      pushedUpTo: async () => highest,
    });
    await sync.run({ mailboxId: 'mb', historyId: 90n });
    expect(gmailOpened).toBe(1);
    expect(posted).toEqual([['a']]);
  });

  it('when a sync is a recheck or has no push, then Gmail is read whatever was pushed', async () => {
    let gmailOpened = 0;
    const { sync } = setup(fakeGmail([]), {
      openGmail: async () => {
        gmailOpened += 1;
        return fakeGmail([]);
      },
      pushedUpTo: async () => 50n,
    });
    await sync.run({ mailboxId: 'mb', historyId: 90n, recheck: true });
    await sync.run({ mailboxId: 'mb' });
    expect(gmailOpened).toBe(2);
  });

  it('when the cursor is too old, then recent unannounced inbox mail is backfilled and the user told', async () => {
    const gmail = fakeGmail([], '500', {
      listHistory: async () => Promise.reject(new AppError('gmail_not_found', 'gone')),
      recentInbox: async () => ['old', 'new1', 'new2'],
      headers: async (id) => ({
        ...headers(id),
        receivedAt: id === 'old' ? new Date(NOW.getTime() - 86_400_000) : NOW,
      }),
    });
    const { sync, store, posted, told } = setup(gmail);
    store.notified.add('new1');
    await expect(sync.run({ mailboxId: 'mb' })).resolves.toEqual({ status: 'backfilled', announced: 1 });
    expect(posted).toEqual([['new2']]);
    expect(told[0]).toMatch(/may have been missed/);
    expect(store.mailbox).toMatchObject({ historyId: 500n, state: 'backfilled' });
  });

  it('when Gmail refuses permanently, then the mailbox says why and nothing is thrown for a retry', async () => {
    const gmail = fakeGmail([], '100', {
      listHistory: async () =>
        Promise.reject(
          new AppError('gmail_forbidden', 'no', { details: { reason: 'insufficientPermissions' } }),
        ),
    });
    const { sync, store } = setup(gmail);
    await expect(sync.run({ mailboxId: 'mb' })).resolves.toMatchObject({ status: 'failed' });
    expect(store.mailbox.state).toBe('error');
    expect(store.mailbox.stateReason).toMatch(/permission/);
  });

  it('when the connection became invalid, then the mailbox is turned off', async () => {
    const { sync, store } = setup(fakeGmail([]), {
      openGmail: async () => Promise.reject(new AppError('connection_invalid', 'gone', { kind: 'user' })),
    });
    await expect(sync.run({ mailboxId: 'mb' })).resolves.toEqual({
      status: 'skipped',
      reason: 'connection_gone',
    });
    expect(store.mailbox.enabled).toBe(false);
  });
});

describe('announcement intents across a stopped sync', () => {
  /** A process that stops (kill -9) right after `announce` posted, before anything else is written. */
  const stopAfterPost = (ctx: { posted: string[][] }) => async (_m: unknown, a: Announcement) => {
    ctx.posted.push(a.kind === 'single' ? [a.mail.id] : a.mails.map((m) => m.id));
    throw new Error('process stopped');
  };

  it('when a sync stopped after Slack took the post, then the next one confirms it from Slack and posts nothing again', async () => {
    const ctx = setup(fakeGmail(['a', 'b']));
    // Same store and same Slack for both runs: the second sync is the restarted process.
    const first = createSync({ ...ctx.deps, announce: stopAfterPost(ctx) });
    await expect(first.run({ mailboxId: 'mb' })).rejects.toThrow('process stopped');
    expect(ctx.store.pending.has('a')).toBe(true);

    await ctx.sync.run({ mailboxId: 'mb' });
    expect(ctx.posted).toEqual([['a'], ['b']]);
    expect([...ctx.store.notified].sort()).toEqual(['a', 'b']);
    expect(ctx.store.pending.size).toBe(0);
    expect(ctx.store.mailbox.historyId).toBe(200n);
  });

  it('when a sync stopped before its post reached Slack, then the next one posts it, once', async () => {
    const ctx = setup(fakeGmail(['a']));
    const lost = createSync({
      ...ctx.deps,
      announce: async () => Promise.reject(new Error('process stopped')),
    });
    await expect(lost.run({ mailboxId: 'mb' })).rejects.toThrow('process stopped');
    expect(ctx.posted).toEqual([]);

    await ctx.sync.run({ mailboxId: 'mb' });
    expect(ctx.posted).toEqual([['a']]);
    expect(ctx.store.pending.size).toBe(0);
  });

  it('when a digest was posted before the stop, then all of its messages are confirmed by that one post', async () => {
    const ctx = setup(fakeGmail(['a', 'b', 'c', 'd']));
    const first = createSync({ ...ctx.deps, announce: stopAfterPost(ctx) });
    await expect(first.run({ mailboxId: 'mb' })).rejects.toThrow('process stopped');

    await ctx.sync.run({ mailboxId: 'mb' });
    expect(ctx.posted).toEqual([['a', 'b', 'c', 'd']]);
    expect(ctx.store.notified.size).toBe(4);
  });

  it('when a concurrent sync wrote the intent of some messages first, then this one announces only the others', async () => {
    const ctx = setup(fakeGmail(['a', 'b', 'c', 'd', 'e']));
    const recordIntent = ctx.store.recordIntent;
    // The other sync read the same history and wins the race for 'b' and 'd' (and posts them itself).
    ctx.store.recordIntent = async (id, ids, now) => {
      ctx.store.pending.set('b', now).set('d', now);
      return recordIntent(id, ids, now);
    };
    // Its own are announced; the cursor waits for the others' (see the tests below).
    await expect(ctx.sync.run({ mailboxId: 'mb' })).rejects.toMatchObject({ code: 'notify_post_in_flight' });
    expect(ctx.posted).toEqual([['a', 'c', 'e']]);
    expect([...ctx.store.pending.keys()].sort()).toEqual(['b', 'd']);
    expect([...ctx.store.notified].sort()).toEqual(['a', 'c', 'e']);
  });

  it('when a concurrent sync claimed some messages and has announced them, then the cursor moves past them', async () => {
    const ctx = setup(fakeGmail(['a', 'b']));
    const recordIntent = ctx.store.recordIntent;
    ctx.store.recordIntent = async (id, ids, now) => {
      // The other sync claims 'b' first and has posted and confirmed it by the end of this batch.
      if (ids.includes('b') && !ctx.store.notified.has('b')) ctx.store.pending.set('b', now);
      const mine = await recordIntent(id, ids, now);
      if (ctx.store.pending.has('b')) await ctx.store.markNotified(id, ['b']);
      return mine;
    };
    await expect(ctx.sync.run({ mailboxId: 'mb' })).resolves.toMatchObject({ status: 'synced' });
    expect(ctx.posted).toEqual([['a']]);
    expect(ctx.store.mailbox.historyId).toBe(200n);
  });

  it('when a concurrent sync claimed a message and still holds its intent, then the cursor stays and the job waits until that post can no longer land', async () => {
    const ctx = setup(fakeGmail(['a', 'b']), { inFlightMs: 30_000 });
    const recordIntent = ctx.store.recordIntent;
    // The fake repository answers with a subset: 'b' was claimed by the other sync 1 s ago.
    ctx.store.recordIntent = async (id, ids, now) => {
      if (ids.includes('b') && !ctx.store.notified.has('b'))
        ctx.store.pending.set('b', new Date(NOW.getTime() - 1_000));
      return recordIntent(id, ids, now);
    };
    await expect(ctx.sync.run({ mailboxId: 'mb' })).rejects.toMatchObject({
      code: 'notify_post_in_flight',
      kind: 'transient',
      details: { retryAfterMs: 29_000 },
    });
    expect(ctx.posted).toEqual([['a']]);
    expect(ctx.store.mailbox.historyId).toBe(100n);

    // The other sync then releases 'b' (Slack refused its post): the retry from the same cursor
    // announces it, once.
    ctx.store.recordIntent = recordIntent;
    await ctx.store.releaseIntents('mb', ['b']);
    await ctx.sync.run({ mailboxId: 'mb' });
    expect(ctx.posted).toEqual([['a'], ['b']]);
    expect(ctx.store.mailbox.historyId).toBe(200n);
  });

  it('when a concurrent sync claimed a message and released it before this batch ended, then the cursor stays and the job is retried at once', async () => {
    const ctx = setup(fakeGmail(['a', 'b']), { inFlightMs: 30_000 });
    const recordIntent = ctx.store.recordIntent;
    ctx.store.recordIntent = async (id, ids, now) => {
      if (ids.includes('b')) ctx.store.pending.set('b', now);
      const mine = await recordIntent(id, ids, now);
      await ctx.store.releaseIntents(id, ['b']);
      return mine;
    };
    await expect(ctx.sync.run({ mailboxId: 'mb' })).rejects.toMatchObject({
      code: 'notify_post_in_flight',
      details: { retryAfterMs: 1 },
    });
    expect(ctx.store.mailbox.historyId).toBe(100n);
    ctx.store.recordIntent = recordIntent;
    await ctx.sync.run({ mailboxId: 'mb' });
    expect(ctx.posted).toEqual([['a'], ['b']]);
    expect(ctx.store.mailbox.historyId).toBe(200n);
  });

  it('when a concurrent sync claimed all but one message of a digest, then that one is announced on its own', async () => {
    const ctx = setup(fakeGmail(['a', 'b', 'c']));
    const recordIntent = ctx.store.recordIntent;
    ctx.store.recordIntent = async (id, ids, now) => {
      ctx.store.pending.set('a', now).set('c', now);
      return recordIntent(id, ids, now);
    };
    const kinds: string[] = [];
    const announce = ctx.deps.announce;
    const sync = createSync({
      ...ctx.deps,
      announce: async (m, a, at) => (kinds.push(a.kind), announce(m, a, at)),
    });
    await expect(sync.run({ mailboxId: 'mb' })).rejects.toMatchObject({ code: 'notify_post_in_flight' });
    expect(ctx.posted).toEqual([['b']]);
    expect(kinds).toEqual(['single']);
  });

  it('when the announcement certainly never reached Slack (rate-limited, DM not opened), then its intent is released at once and the retry posts without waiting', async () => {
    let limited = true;
    const ctx = setup(fakeGmail(['a']), { inFlightMs: 30_000 });
    const sync = createSync({
      ...ctx.deps,
      announce: async (m, a, at) => {
        if (limited) {
          limited = false;
          throw new AppError('slack_rate_limited', 'slow down', {
            kind: 'transient',
            details: { retryAfterMs: 1_000, notSent: true },
          });
        }
        return ctx.deps.announce(m, a, at);
      },
    });
    await expect(sync.run({ mailboxId: 'mb' })).rejects.toMatchObject({ code: 'slack_rate_limited' });
    expect(ctx.store.pending.size).toBe(0);
    await sync.run({ mailboxId: 'mb' });
    expect(ctx.posted).toEqual([['a']]);
  });

  it('when the outcome of a post is unknown (timeout, 5xx), then its intent stays for the reconciler', async () => {
    const ctx = setup(fakeGmail(['a']), {
      inFlightMs: 30_000,
      announce: async () =>
        Promise.reject(new AppError('slack_unavailable', 'timeout', { kind: 'transient' })),
    });
    await expect(ctx.sync.run({ mailboxId: 'mb' })).rejects.toMatchObject({ code: 'slack_unavailable' });
    expect(ctx.store.pending.has('a')).toBe(true);
  });

  it('when an intent is too young to be missing for sure, then the sync is retried later and nothing is posted or dropped', async () => {
    const ctx = setup(fakeGmail(['a']), { inFlightMs: 30_000 });
    ctx.store.pending.set('a', new Date(NOW.getTime() - 1_000));
    // The job is told to wait until the post can no longer land (30 s after its intent), no longer.
    await expect(ctx.sync.run({ mailboxId: 'mb' })).rejects.toMatchObject({
      code: 'notify_post_in_flight',
      kind: 'transient',
      details: { retryAfterMs: 29_000 },
    });
    expect(ctx.posted).toEqual([]);
    expect(ctx.store.pending.has('a')).toBe(true);

    ctx.store.pending.set('a', new Date(NOW.getTime() - 31_000));
    await ctx.sync.run({ mailboxId: 'mb' });
    expect(ctx.posted).toEqual([['a']]);
  });

  it('when Slack shows the post, then the DM is read from a margin before the oldest intent', async () => {
    const since: Date[] = [];
    const ctx = setup(fakeGmail([]), { findAnnounced: async (_m, s) => (since.push(s), new Set(['a'])) });
    ctx.store.pending.set('a', new Date(NOW.getTime() - 60_000));
    ctx.store.pending.set('b', new Date(NOW.getTime() - 120_000));
    await ctx.sync.run({ mailboxId: 'mb' });
    // Five minutes before the oldest intent (120 s ago), to the millisecond: no wider, no narrower.
    expect(since[0]!.getTime()).toBe(NOW.getTime() - 120_000 - 5 * 60_000);
    expect(ctx.store.notified.has('a')).toBe(true);
    expect(ctx.store.pending.size).toBe(0);
  });
});
