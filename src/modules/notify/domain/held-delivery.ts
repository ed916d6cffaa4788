import { awaitOthers } from './claims';
import { failureOf, wasNotSent } from './failures';
import { deliveryDue, inQuietHours, isTimeZone, quietEndAfter } from './quiet-hours';
import { createReconciler } from './reconcile';
import { DEFAULT_RULES, isCandidateUnder, senderAllowed, type NotificationRules } from './rules';
import type { SyncDeps } from './sync';
import type { NotifyBaseDeps, SyncRules } from './ports';
import type { MailboxRecord, MailHeaders } from './types';

/** After a digest Slack refuses for good, its mail waits this long before the next try (not the sweep's minute). */
export const DIGEST_RETRY_AFTER_MS = 3_600_000;

/** Held emails one digest post lists, every one with its link (well within Slack's 50 blocks). */
export const HELD_DIGEST_LINES = 40;

/** A held email and the Google account it arrived in (absent on rows held before it was kept). */
export type HeldMail = MailHeaders & { account?: string };
const headersOf = ({ account: _account, ...m }: HeldMail): MailHeaders => m;

/** Each person's rules (absent: the defaults). */
export interface RulesStore {
  rulesOf(teamId: string, userId: string): Promise<NotificationRules | undefined>;
  save(teamId: string, userId: string, rules: NotificationRules): Promise<void>;
  setTimeZone(teamId: string, userId: string, timeZone: string): Promise<void>;
}

/** Mail held for a digest, durable until its digest is confirmed in Slack. */
export interface HeldStore {
  /** Keeps `account`'s messages for the digest due at `dueAt` (one already held keeps its first due time). */
  hold(mailboxId: string, account: string, mails: MailHeaders[], dueAt: Date): Promise<void>;
  /** Held messages due at or before `until`, oldest first. */
  due(mailboxId: string, until: Date): Promise<HeldMail[]>;
  drop(mailboxId: string, gmailIds: string[]): Promise<void>;
  dropAll(mailboxId: string): Promise<void>;
  /**
   * Moves every held message of the mailbox (or only those due by `dueBy`) to the digest due at
   * `dueAt`; false when none moved.
   */
  reschedule(mailboxId: string, dueAt: Date, dueBy?: Date): Promise<boolean>;
  /** Mailboxes with held mail due before `before` (longest waiting first), with their latest such due time. */
  overdue(before: Date, limit: number): Promise<Array<{ mailboxId: string; dueAt: Date }>>;
}

export interface HeldDeps
  extends Pick<NotifyBaseDeps, 'mailboxes' | 'clock' | 'log'>, Pick<SyncDeps, 'publish'> {
  rules: RulesStore;
  held: HeldStore;
  /** The person's Slack time zone now (users.info `tz`), undefined when Slack cannot say. */
  timeZoneOf(teamId: string, userId: string): Promise<string | undefined>;
  /** A delayed job, one per mailbox and due time, that calls `deliver(mailboxId, dueAt)`. */
  scheduleDigest(mailboxId: string, dueAt: Date): Promise<void>;
}

/** The rules' current time zone, read again from Slack (and remembered when it moved). */
export async function currentTimeZone(
  deps: HeldDeps,
  owner: { teamId: string; userId: string },
  rules: NotificationRules,
) {
  const told = await deps.timeZoneOf(owner.teamId, owner.userId);
  // A zone this platform does not know (Slack's list can be newer) keeps the last known one.
  const tz = told && isTimeZone(told) ? told : undefined;
  if (tz && tz !== rules.timeZone) await deps.rules.setTimeZone(owner.teamId, owner.userId, tz);
  return tz ?? rules.timeZone;
}

/** When the quiet hours the owner is in now end (their current zone), or undefined when it is not quiet. */
async function quietHoursEndNow(deps: HeldDeps, mailbox: MailboxRecord): Promise<Date | undefined> {
  const rules = await deps.rules.rulesOf(mailbox.teamId, mailbox.userId);
  if (!rules?.quiet) return undefined;
  const now = deps.clock.now();
  const tz = await currentTimeZone(deps, mailbox, rules);
  return inQuietHours(now, rules.quiet, tz) ? quietEndAfter(now, rules.quiet, tz) : undefined;
}

/**
 * The sync's rules hook: which history entries may be announced, and of the new mail, what is
 * announced now. Mail the rules skip is never announced (the cursor passes it: it counts as seen);
 * mail in quiet hours or a digest mode is held durably and its digest job scheduled.
 */
export function createRulesHook(deps: HeldDeps): SyncRules {
  return {
    async forMailbox(mailbox: MailboxRecord) {
      const rules = (await deps.rules.rulesOf(mailbox.teamId, mailbox.userId)) ?? DEFAULT_RULES;
      return {
        candidate: isCandidateUnder(rules),
        async route(mails: MailHeaders[]) {
          const wanted = mails.filter((m) => senderAllowed(rules, m.from));
          if (wanted.length === 0 || (!rules.quiet && rules.delivery === 'each')) return wanted;
          const tz = await currentTimeZone(deps, mailbox, rules);
          const due = deliveryDue(deps.clock.now(), rules, tz);
          if (!due) return wanted;
          await deps.held.hold(mailbox.id, mailbox.email.toLowerCase(), wanted, due);
          await deps.scheduleDigest(mailbox.id, due);
          // The assistant's event is no notification: it is not held (see README, Events).
          await Promise.all(wanted.map((m) => deps.publish(mailbox, m)));
          return [];
        },
      };
    },
  };
}

/**
 * Saved rules apply to mail already held too: its digest moves to when the new rules would deliver
 * mail arriving now (at once when they hold nothing).
 */
export async function replanHeld(deps: HeldDeps, mailboxId: string, rules: NotificationRules): Promise<void> {
  const now = deps.clock.now();
  const due = deliveryDue(now, rules, rules.timeZone) ?? now;
  if (await deps.held.reschedule(mailboxId, due)) await deps.scheduleDigest(mailboxId, due);
}

type DigestDeps = HeldDeps &
  Pick<SyncDeps, 'announce' | 'findAnnounced' | 'inFlightMs'> & {
    /** A digest was posted at `at`: the mailbox's last notification (and the owner's App Home). */
    notified(mailbox: MailboxRecord, at: Date): Promise<void>;
  };

/**
 * Delivers the held mail due by `until` as one digest DM (several of even size past HELD_DIGEST_LINES), with
 * the announcements' exactly-once design: stopped posts reconciled with Slack first, an intent before
 * each post, confirmation after; held rows are dropped only once every message of them is announced.
 */
export function createDigestDelivery(deps: DigestDeps) {
  const { mailboxes, held, clock } = deps;
  const reconcile = createReconciler(deps);
  return async function deliver(mailboxId: string, until: Date): Promise<{ delivered: number }> {
    const mailbox = await mailboxes.findById(mailboxId);
    if (!mailbox) return { delivered: 0 };
    if (!mailbox.enabled && mailbox.state !== 'error') {
      // Turned off or disconnected (a held batch racing it): not announced later, as mail arriving
      // now would not be. A lapsed grant (state error) keeps it: a digest needs only Slack.
      await held.dropAll(mailboxId);
      return { delivered: 0 };
    }
    // The person may have moved to a zone where it is quiet now: the digest waits for those quiet hours' end.
    const quietEnd = until <= clock.now() ? await quietHoursEndNow(deps, mailbox) : undefined;
    if (quietEnd && (await held.reschedule(mailboxId, quietEnd, until))) {
      await deps.scheduleDigest(mailboxId, quietEnd);
      return { delivered: 0 };
    }
    await reconcile(mailbox);
    const account = mailbox.email.toLowerCase();
    const all = await held.due(mailboxId, until);
    // Mail of another Google account (the person reconnected as someone else) is never shown as this one's.
    const foreign = all.filter((m) => m.account !== undefined && m.account !== account).map((m) => m.id);
    await held.drop(mailboxId, foreign);
    const due = all.filter((m) => !foreign.includes(m.id)).map(headersOf);
    if (due.length === 0) return { delivered: 0 };
    const ids = due.map((m) => m.id);
    const fresh = new Set(await mailboxes.unnotified(mailboxId, ids));
    const todo = due.filter((m) => fresh.has(m.id));
    const others = due.filter((m) => !fresh.has(m.id)).map((m) => m.id);
    let delivered = 0;
    const size = Math.ceil(todo.length / Math.ceil(todo.length / HELD_DIGEST_LINES));
    for (let i = 0; i < todo.length; i += size) {
      const chunk = todo.slice(i, i + size);
      const chunkIds = chunk.map((m) => m.id);
      const intendedAt = clock.now();
      const claimed = new Set(await mailboxes.recordIntent(mailboxId, chunkIds, intendedAt));
      others.push(...chunkIds.filter((id) => !claimed.has(id)));
      const mine = chunk.filter((m) => claimed.has(m.id));
      const mineIds = mine.map((m) => m.id);
      if (mine.length === 0) continue;
      try {
        await deps.announce(mailbox, { kind: 'digest', mails: mine, allLines: true }, intendedAt);
      } catch (err) {
        if (wasNotSent(err)) await mailboxes.releaseIntents(mailboxId, mineIds);
        throw err;
      }
      await mailboxes.markNotified(mailboxId, mineIds);
      delivered += mine.length;
    }
    if (delivered > 0) await deps.notified(mailbox, clock.now());
    // Messages another poster claimed stay held until that post is known to be in Slack.
    await awaitOthers(deps, mailbox, others);
    await held.drop(mailboxId, ids);
    deps.log.info({ mailboxId, delivered, held: due.length }, 'held notifications delivered');
    return { delivered };
  };
}

export type DigestDelivery = ReturnType<typeof createDigestDelivery>;

/**
 * Slack refused the digest due by `until` for good, or its last retry failed: the mailbox says why (as
 * a sync that gives up does) and that mail waits DIGEST_RETRY_AFTER_MS for its next try.
 */
export async function giveUpDigest(deps: HeldDeps, mailboxId: string, until: Date, err: unknown) {
  await deps.mailboxes.setState(mailboxId, 'error', { kind: 'failed', failure: failureOf(err) });
  const later = new Date(Math.max(deps.clock.now().getTime(), until.getTime()) + DIGEST_RETRY_AFTER_MS);
  if (await deps.held.reschedule(mailboxId, later, until)) await deps.scheduleDigest(mailboxId, later);
  deps.log.warn({ mailboxId }, 'digest of held notifications failed; retried later');
}
