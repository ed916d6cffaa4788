import { isAppError } from '../../../shared/errors';
import { mapBounded } from './bounded';
import { parseHistoryId } from './history-id';
import { failureOf, isConnectionGone, isNotifyError, isTransient, wasNotSent } from './failures';
import { gmailIdsOf, isCandidate, planAnnouncements, senderAddress } from './mail-filter';
import { awaitOthers, claimedPart } from './claims';
import { createReconciler, type ReconcileDeps } from './reconcile';
import { isCovered, type CoveredDeps } from './covered';
import type { GmailPort, MailRules, NotifyBaseDeps, SyncRules, TellOwner } from './ports';
import type { Announcement, Failure, MailboxRecord, MailHeaders } from './types';

export interface SyncDeps
  extends NotifyBaseDeps, CoveredDeps, Pick<ReconcileDeps, 'findAnnounced' | 'inFlightMs'> {
  /**
   * Posts the announcement with its Gmail ids in the message's metadata (see `findAnnounced`). The
   * intent was written at `intendedAt`: the post must not be sent later than it can still be seen
   * within `inFlightMs` of that instant (the reconciler's window).
   */
  announce(mailbox: MailboxRecord, announcement: Announcement, intendedAt: Date): Promise<void>;
  tell: TellOwner;
  /** Best effort (the agent event sink); must not throw. */
  publish(mailbox: MailboxRecord, mail: MailHeaders): Promise<void>;
  scheduleRecheck(mailboxId: string, historyId: bigint): Promise<void>;
  digestThreshold: number;
  fetchConcurrency: number;
  backfillSize: number;
  /** The person's notification rules; without them every candidate is announced at once. */
  rules?: SyncRules;
}

const COVERED = { status: 'skipped', reason: 'covered' } as const;
const ANNOUNCE_ALL: MailRules = { candidate: isCandidate, route: async (mails) => mails };

export interface SyncRequest {
  mailboxId: string;
  /** The history id announced by the push that caused this sync, if any. */
  historyId?: bigint;
  /** This is the one delayed recheck after an empty history; it schedules no other. */
  recheck?: boolean;
}

export type SyncResult =
  | { status: 'skipped'; reason: string }
  | { status: 'synced' | 'backfilled'; announced: number; recheck?: boolean }
  | { status: 'failed'; failure: Failure };

/** Gmail allows only so many calls per user at once; a backfill looks at this many recent messages. */
export const SYNC_BATCH = { fetchConcurrency: 4, backfillSize: 20 } as const;

/** Margin for clocks when deciding which inbox messages arrived after the last sync. */
const BACKFILL_CLOCK_MARGIN_MS = 5 * 60_000;

/**
 * One sync of one mailbox (SPEC 6.5.4–5). Callers guarantee at most one runs per mailbox at a time.
 * Order matters for "none lost, none twice": each Slack post is preceded by a durable intent for its
 * Gmail ids and followed by their confirmation, and the cursor moves only after every announcement
 * of the batch. A sync first settles the intents a stopped one left (found in Slack: confirmed; not
 * found: dropped and announced again), so a crash or outage at any instant repeats and loses nothing.
 */
export function createSync(deps: SyncDeps) {
  const { mailboxes, clock, log } = deps;
  const reconcile = createReconciler(deps);

  async function headersOf(gmail: GmailPort, mailbox: MailboxRecord, ids: string[], rules: MailRules) {
    const fresh = await mailboxes.unnotified(mailbox.id, ids);
    const fetched = await mapBounded(fresh, deps.fetchConcurrency, (id) => gmail.headers(id));
    return fetched
      .filter((m): m is MailHeaders => m !== undefined && rules.candidate(m.labelIds))
      .filter((m) => senderAddress(m.from) !== mailbox.email.toLowerCase())
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }

  /** Posts and records each announcement; stops (false) as soon as the mailbox is turned off. */
  async function announceAll(mailbox: MailboxRecord, mails: MailHeaders[]): Promise<boolean> {
    const others: string[] = [];
    for (const announcement of planAnnouncements(mails, deps.digestThreshold)) {
      const intendedAt = clock.now();
      // Only the messages whose intent this sync wrote are its to announce: a concurrent sync that
      // wrote the others first posts them (or its crash leaves them to the reconciler). None once off.
      const ids = gmailIdsOf(announcement);
      const written = await mailboxes.recordIntent(mailbox.id, ids, intendedAt, { ifEnabled: true });
      if (!written) return false;
      const claimed = new Set(written);
      others.push(...ids.filter((id) => !claimed.has(id)));
      const mine = claimedPart(announcement, claimed);
      if (!mine) continue;
      try {
        await deps.announce(mailbox, mine, intendedAt);
      } catch (err) {
        if (wasNotSent(err)) await mailboxes.releaseIntents(mailbox.id, gmailIdsOf(mine));
        throw err;
      }
      await mailboxes.markNotified(mailbox.id, gmailIdsOf(mine));
    }
    await Promise.all(mails.map((m) => deps.publish(mailbox, m)));
    await awaitOthers(deps, mailbox, others);
    return true;
  }

  async function collectHistory(gmail: GmailPort, cursor: bigint, rules: MailRules) {
    const ids = new Set<string>();
    let records = 0;
    let pageToken: string | undefined;
    let historyId: bigint | undefined;
    do {
      const page = await gmail.listHistory(cursor.toString(), pageToken);
      records += page.messages.length;
      for (const m of page.messages) if (rules.candidate(m.labelIds)) ids.add(m.id);
      historyId = parseHistoryId(page.historyId);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return { ids: [...ids], records, historyId: historyId ?? cursor };
  }

  async function incremental(mailbox: MailboxRecord, cursor: bigint, gmail: GmailPort, req: SyncRequest) {
    const rules = (await deps.rules?.forMailbox(mailbox)) ?? ANNOUNCE_ALL;
    const history = await collectHistory(gmail, cursor, rules);
    const mails = await rules.route(await headersOf(gmail, mailbox, history.ids, rules));
    if (!(await announceAll(mailbox, mails))) return { status: 'skipped', reason: 'disabled' } as const;
    await mailboxes.recordSync(mailbox.id, {
      advanceTo: history.historyId,
      now: clock.now(),
      notified: mails.length > 0,
      state: mailbox.state === 'lapsed' ? 'lapsed' : 'ok',
      problem:
        mailbox.state === 'lapsed' && mailbox.stateReason
          ? { kind: 'recorded', text: mailbox.stateReason }
          : null,
    });
    // Gmail's history can trail its push by a moment: a push beyond what history shows gets one
    // more look later. Pushes already covered by the cursor (coalesced bursts) need none.
    const recheck =
      history.records === 0 && !req.recheck && req.historyId !== undefined && req.historyId > cursor;
    if (recheck) await deps.scheduleRecheck(mailbox.id, req.historyId as bigint);
    return { status: 'synced', announced: mails.length, recheck } as const;
  }

  /** History older than Gmail keeps (404): look at the most recent inbox instead, and say so. */
  async function backfill(mailbox: MailboxRecord, gmail: GmailPort) {
    // Taken first: anything arriving while the inbox is listed lies after this id.
    const current = BigInt(await gmail.currentHistoryId());
    const recent = await gmail.recentInbox(deps.backfillSize);
    const since = (mailbox.lastSyncAt?.getTime() ?? 0) - BACKFILL_CLOCK_MARGIN_MS;
    const rules = (await deps.rules?.forMailbox(mailbox)) ?? ANNOUNCE_ALL;
    const recentMails = await headersOf(gmail, mailbox, recent, rules);
    const mails = await rules.route(recentMails.filter((m) => m.receivedAt.getTime() >= since));
    if (!(await announceAll(mailbox, mails))) return { status: 'skipped', reason: 'disabled' } as const;
    // Told after the announcements succeeded, so a retried job does not repeat the notice.
    await deps.tell(mailbox, { kind: 'history_lost', recovered: mails.length });
    await mailboxes.recordSync(mailbox.id, {
      advanceTo: current,
      now: clock.now(),
      notified: mails.length > 0,
      state: 'backfilled',
      problem: { kind: 'history_lost', at: clock.now() },
    });
    return { status: 'backfilled', announced: mails.length } as const;
  }

  async function run(req: SyncRequest): Promise<SyncResult> {
    const mailbox = await mailboxes.findById(req.mailboxId);
    if (!mailbox?.enabled) return { status: 'skipped', reason: 'disabled' };
    if (mailbox.historyId === null) return { status: 'skipped', reason: 'no_cursor' };
    const cursor = mailbox.historyId;
    try {
      if (await isCovered(deps, mailbox, cursor, req)) return await reconcile(mailbox).then(() => COVERED);
      const gmail = await deps.openGmail(mailbox.connectionId);
      await reconcile(mailbox);
      try {
        return await incremental(mailbox, cursor, gmail, req);
      } catch (err) {
        if (isNotifyError(err, 'gmail_not_found')) return await backfill(mailbox, gmail);
        throw err;
      }
    } catch (err) {
      if (isConnectionGone(err)) {
        // The connection hooks normally did this already; a sync must not depend on it.
        await mailboxes.disable(mailbox.connectionId, 'error', { kind: 'connection_gone' });
        return { status: 'skipped', reason: 'connection_gone' };
      }
      if (isAppError(err) && !isTransient(err)) {
        const failure = failureOf(err);
        await mailboxes.setState(mailbox.id, 'error', { kind: 'failed', failure });
        log.warn({ mailboxId: mailbox.id, code: err.code }, 'sync failed permanently');
        return { status: 'failed', failure };
      }
      throw err;
    }
  }

  return {
    run,
    /** The last retry failed too: the mailbox says why until a later sync succeeds. */
    async giveUp(mailboxId: string, err: unknown): Promise<void> {
      await mailboxes.setState(mailboxId, 'error', { kind: 'failed', failure: failureOf(err) });
    },
  };
}

export type Sync = ReturnType<typeof createSync>;
