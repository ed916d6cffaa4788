import { awaitOthers } from './claims';
import { wasNotSent } from './failures';
import { DIGEST_MAX_MESSAGES } from './mail-filter';
import { deliveryDue, isTimeZone } from './quiet-hours';
import { createReconciler } from './reconcile';
import { DEFAULT_RULES, isCandidateUnder, senderAllowed, type NotificationRules } from './rules';
import type { SyncDeps } from './sync';
import type { NotifyBaseDeps, SyncRules } from './ports';
import type { MailboxRecord, MailHeaders } from './types';

/** Each person's rules (absent: the defaults). */
export interface RulesStore {
  rulesOf(teamId: string, userId: string): Promise<NotificationRules | undefined>;
  save(teamId: string, userId: string, rules: NotificationRules): Promise<void>;
  setTimeZone(teamId: string, userId: string, timeZone: string): Promise<void>;
}

/** Mail held for a digest, durable until its digest is confirmed in Slack. */
export interface HeldStore {
  /** Keeps the messages for the digest due at `dueAt` (a message already held keeps its first due time). */
  hold(mailboxId: string, mails: MailHeaders[], dueAt: Date): Promise<void>;
  /** Held messages due at or before `until`, oldest first. */
  due(mailboxId: string, until: Date): Promise<MailHeaders[]>;
  drop(mailboxId: string, gmailIds: string[]): Promise<void>;
  dropAll(mailboxId: string): Promise<void>;
  /** Moves every held message of the mailbox to the digest due at `dueAt`; false when none is held. */
  reschedule(mailboxId: string, dueAt: Date): Promise<boolean>;
  /** Mailboxes with held mail due before `before`, with their latest such due time. */
  overdue(before: Date, limit: number): Promise<Array<{ mailboxId: string; dueAt: Date }>>;
}

export interface HeldDeps extends Pick<NotifyBaseDeps, 'mailboxes' | 'clock' | 'log'> {
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
          await deps.held.hold(mailbox.id, wanted, due);
          await deps.scheduleDigest(mailbox.id, due);
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

type DigestDeps = HeldDeps & Pick<SyncDeps, 'announce' | 'findAnnounced' | 'inFlightMs'>;

/**
 * Delivers the held mail due by `until` as one digest DM (several only past DIGEST_MAX_MESSAGES), with
 * the announcements' exactly-once design: stopped posts reconciled with Slack first, an intent before
 * each post, confirmation after; held rows are dropped only once every message of them is announced.
 */
export function createDigestDelivery(deps: DigestDeps) {
  const { mailboxes, held, clock } = deps;
  const reconcile = createReconciler(deps);
  return async function deliver(mailboxId: string, until: Date): Promise<{ delivered: number }> {
    const mailbox = await mailboxes.findById(mailboxId);
    if (!mailbox) return { delivered: 0 };
    if (!mailbox.enabled) {
      // Notifications turned off: held mail is not announced later, as mail arriving now would not be.
      await held.dropAll(mailboxId);
      return { delivered: 0 };
    }
    await reconcile(mailbox);
    const due = await held.due(mailboxId, until);
    if (due.length === 0) return { delivered: 0 };
    const fresh = new Set(
      await mailboxes.unnotified(
        mailboxId,
        due.map((m) => m.id),
      ),
    );
    const todo = due.filter((m) => fresh.has(m.id));
    const others = due.filter((m) => !fresh.has(m.id)).map((m) => m.id);
    let delivered = 0;
    for (let i = 0; i < todo.length; i += DIGEST_MAX_MESSAGES) {
      const chunk = todo.slice(i, i + DIGEST_MAX_MESSAGES);
      const ids = chunk.map((m) => m.id);
      const intendedAt = clock.now();
      const claimed = new Set(await mailboxes.recordIntent(mailboxId, ids, intendedAt));
      others.push(...ids.filter((id) => !claimed.has(id)));
      const mine = chunk.filter((m) => claimed.has(m.id));
      if (mine.length === 0) continue;
      try {
        await deps.announce(mailbox, { kind: 'digest', mails: mine }, intendedAt);
      } catch (err) {
        if (wasNotSent(err))
          await mailboxes.releaseIntents(
            mailboxId,
            mine.map((m) => m.id),
          );
        throw err;
      }
      await mailboxes.markNotified(
        mailboxId,
        mine.map((m) => m.id),
      );
      delivered += mine.length;
    }
    // Messages another poster claimed stay held until that post is known to be in Slack.
    await awaitOthers(deps, mailbox, others);
    await held.drop(
      mailboxId,
      due.map((m) => m.id),
    );
    deps.log.info({ mailboxId, delivered, held: due.length }, 'held notifications delivered');
    return { delivered };
  };
}

export type DigestDelivery = ReturnType<typeof createDigestDelivery>;
