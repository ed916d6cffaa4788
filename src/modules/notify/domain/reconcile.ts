import { notifyErrors } from './errors';
import type { NotifyBaseDeps } from './ports';
import type { MailboxRecord } from './types';

export interface ReconcileDeps extends Pick<NotifyBaseDeps, 'mailboxes' | 'clock' | 'log'> {
  /** Gmail ids that announcements in the owner's DM, posted since `since`, carry in their metadata. */
  findAnnounced(mailbox: MailboxRecord, since: Date): Promise<Set<string>>;
  /**
   * How long a post may still land after its intent was written (the Slack client's own timeouts):
   * a younger intent not yet visible in Slack is neither confirmed nor dropped, but looked at again later.
   */
  inFlightMs: number;
}

/** Slack's clock and ours may disagree a little: the DM is read from this long before the oldest intent. */
const CLOCK_MARGIN_MS = 5 * 60_000;

/**
 * Settles the intents a stopped sync left behind (SPEC 6.5.4: no email announced twice, none lost).
 * An intent is written before its post; if the process stopped before confirming it, Slack itself
 * says whether the post landed: messages found in the DM are confirmed, the others are dropped, so
 * the sync (whose cursor never moved past them) announces them again.
 */
export function createReconciler(deps: ReconcileDeps) {
  const { mailboxes, clock, log } = deps;
  return async function reconcile(mailbox: MailboxRecord): Promise<void> {
    const pending = await mailboxes.pendingIntents(mailbox.id);
    if (pending.length === 0) return;
    const oldest = Math.min(...pending.map((p) => p.intendedAt.getTime()));
    const shown = await deps.findAnnounced(mailbox, new Date(oldest - CLOCK_MARGIN_MS));
    const posted = pending.filter((p) => shown.has(p.gmailId));
    const missing = pending.filter((p) => !shown.has(p.gmailId));
    const now = clock.now().getTime();
    const settledAt = Math.max(...missing.map((p) => p.intendedAt.getTime() + deps.inFlightMs));
    if (missing.length > 0 && settledAt > now) {
      // Not a failure: the job waits exactly until the youngest missing post can no longer land
      // (without spending an attempt), then Slack's answer is final.
      throw notifyErrors.fail('notify_post_in_flight', 'an announcement may still be reaching Slack', {
        details: { retryAfterMs: settledAt - now },
      });
    }
    await mailboxes.markNotified(
      mailbox.id,
      posted.map((p) => p.gmailId),
    );
    await mailboxes.releaseIntents(
      mailbox.id,
      missing.map((p) => p.gmailId),
    );
    log.info(
      { mailboxId: mailbox.id, confirmed: posted.length, released: missing.length },
      'announcement intents reconciled with Slack',
    );
  };
}
