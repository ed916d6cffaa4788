import type { PushDedupe } from './ports';
import type { GmailPush } from './push-envelope';

export interface PushIntakeDeps {
  dedupe: PushDedupe;
  /**
   * Enabled state of every mailbox of that address; their last push time is recorded, possibly
   * later and at most every so often (it only decides when a silent mailbox gets a safety sync).
   */
  touchMailboxes(email: string): Promise<Array<{ id: string; enabled: boolean }>>;
  /** Raises the highest history id pushed for the address (never lowers it). */
  raisePushed(email: string, historyId: bigint): Promise<void>;
  /** Durably records the sync (a job); throws when it could not be recorded. */
  enqueueSync(mailboxId: string, historyId: bigint): Promise<void>;
}

export type PushOutcome = 'queued' | 'duplicate' | 'unknown_mailbox' | 'disabled';

/**
 * An authenticated, well-formed push. Any thrown error means nothing was recorded and the caller
 * must answer 5xx so Pub/Sub redelivers. The messageId is remembered only after the job is
 * recorded: a duplicate key written first would turn that redelivery into a silent loss. Two
 * copies racing past `seen` both enqueue, which the per-mailbox coalescing absorbs. The dedupe
 * check and the address's mailboxes are asked for together (one round trip of waiting, not two);
 * a duplicate then ignores the mailboxes. The address's highest pushed history id is raised in that
 * same wait, so before any job is recorded (a sync compares it with its cursor, see sync's `covered`).
 */
export function createPushIntake(deps: PushIntakeDeps) {
  return async function receive(push: GmailPush): Promise<PushOutcome> {
    const [seen, mailboxes] = await Promise.all([
      deps.dedupe.seen(push.messageId),
      deps.touchMailboxes(push.emailAddress),
      deps.raisePushed(push.emailAddress, push.historyId),
    ]);
    if (seen) return 'duplicate';
    const enabled = mailboxes.filter((m) => m.enabled);
    for (const mailbox of enabled) await deps.enqueueSync(mailbox.id, push.historyId);
    await deps.dedupe.remember(push.messageId);
    if (mailboxes.length === 0) return 'unknown_mailbox';
    return enabled.length ? 'queued' : 'disabled';
  };
}

export type PushIntake = ReturnType<typeof createPushIntake>;
