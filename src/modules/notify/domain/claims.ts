import { notifyErrors } from './errors';
import type { ReconcileDeps } from './reconcile';
import type { Announcement, MailboxRecord } from './types';

/** The part of `a` whose messages are in `claimed`, or undefined when none is. */
export function claimedPart(a: Announcement, claimed: Set<string>): Announcement | undefined {
  if (a.kind === 'single') return claimed.has(a.mail.id) ? a : undefined;
  const mails = a.mails.filter((m) => claimed.has(m.id));
  if (mails.length === a.mails.length) return a;
  if (mails.length === 0) return undefined;
  return mails.length === 1 ? { kind: 'single', mail: mails[0]! } : { kind: 'digest', mails };
}

/**
 * The cursor may pass messages another sync claimed only once they are announced: that sync may
 * still release them (not sent) and then retry from the same cursor. Until then this job waits,
 * as for a post in flight, until their posts can no longer land (or at once if already released);
 * its retry reconciles them with Slack and announces what is missing.
 */
export async function awaitOthers(
  deps: Pick<ReconcileDeps, 'mailboxes' | 'clock' | 'inFlightMs'>,
  mailbox: MailboxRecord,
  others: string[],
): Promise<void> {
  const { mailboxes, clock } = deps;
  if (others.length === 0) return;
  const theirs = new Set(others);
  const pending = (await mailboxes.pendingIntents(mailbox.id)).filter((p) => theirs.has(p.gmailId));
  const released = await mailboxes.unnotified(mailbox.id, others);
  if (pending.length === 0 && released.length === 0) return;
  const now = clock.now().getTime();
  const settledAt = Math.max(now, ...pending.map((p) => p.intendedAt.getTime() + deps.inFlightMs));
  throw notifyErrors.fail(
    'notify_post_in_flight',
    'another sync has not yet announced messages of this batch',
    {
      details: { retryAfterMs: Math.max(settledAt - now, 1) },
    },
  );
}
