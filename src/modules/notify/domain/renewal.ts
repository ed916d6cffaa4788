import { failureOf, isConnectionGone, isTransient } from './failures';
import type { NotifyBaseDeps, TellOwner } from './ports';
import type { MailboxRecord } from './types';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Gmail watches last 7 days; one renewed when under 6 days left is renewed about daily. */
export const RENEW_WHEN_EXPIRING_WITHIN_MS = 6 * DAY_MS;

export interface RenewalDeps extends NotifyBaseDeps {
  topicName: string;
  /** A mailbox without a sync for this long is synced anyway (a push may have been lost). */
  safetySyncAfterHours: number;
  scheduleSync(mailboxId: string): Promise<void>;
  /** Queues the renewal of each mailbox (in bulk; paced by the deployment-wide watch rate). */
  scheduleRenewals(mailboxIds: string[]): Promise<void>;
  tell: TellOwner;
  countWatch(outcome: 'renewed' | 'lapsed' | 'failed'): void;
}

export type RenewResult = 'renewed' | 'skipped' | 'failed';

/** Watch renewal, start-up reconciliation and safety syncs (SPEC 6.5.6). */
export function createRenewal(deps: RenewalDeps) {
  const { mailboxes, clock, log } = deps;
  const expired = (m: MailboxRecord, now: Date) => !m.watchExpiresAt || m.watchExpiresAt <= now;

  /** A watch that is gone is visible in status, and its owner is told once. */
  async function giveUp(mailbox: MailboxRecord, err: unknown): Promise<void> {
    deps.countWatch('failed');
    if (!expired(mailbox, clock.now())) return;
    const failure = failureOf(err);
    await mailboxes.setState(mailbox.id, 'lapsed', { kind: 'renewal_failed', failure });
    if (await mailboxes.claimLapseNotice(mailbox.id, clock.now()))
      await deps.tell(mailbox, { kind: 'watch_lapsed', failure });
  }

  return {
    async renew(mailboxId: string, opts: { finalAttempt: boolean }): Promise<RenewResult> {
      const mailbox = await mailboxes.findById(mailboxId);
      if (!mailbox?.enabled) return 'skipped';
      let watch: { historyId: string; expiration: Date };
      try {
        watch = await (await deps.openGmail(mailbox.connectionId)).watch(deps.topicName);
      } catch (err) {
        if (isConnectionGone(err)) {
          await mailboxes.disable(mailbox.connectionId, 'error', { kind: 'connection_gone' });
          return 'skipped';
        }
        const retryable = isTransient(err);
        if (!retryable || opts.finalAttempt) await giveUp(mailbox, err);
        if (retryable) throw err;
        return 'failed';
      }
      const wasLapsed = expired(mailbox, clock.now()) || mailbox.state === 'lapsed';
      await mailboxes.recordWatch(mailbox.id, watch.expiration);
      if (mailbox.historyId === null) await mailboxes.advanceCursor(mailbox.id, BigInt(watch.historyId));
      // Gmail sent no pushes while the watch was down: catch up from the cursor (or backfill).
      if (wasLapsed) await deps.scheduleSync(mailbox.id);
      deps.countWatch('renewed');
      return 'renewed';
    },

    /** Runs from the scheduler (at once on a first boot, and when overdue), so stopped machines catch up. */
    async maintain(): Promise<{ renewals: number; safetySyncs: number }> {
      const now = clock.now();
      const due = await mailboxes.dueForRenewal(new Date(now.getTime() + RENEW_WHEN_EXPIRING_WITHIN_MS));
      // One statement for all of them: thousands may have expired while every machine was stopped.
      const lapsing = due.filter((m) => expired(m, now) && m.state !== 'lapsed').map((m) => m.id);
      const lapsed = lapsing.length ? await mailboxes.lapseExpired(lapsing, now) : [];
      lapsed.forEach(() => deps.countWatch('lapsed'));
      await deps.scheduleRenewals(due.map((m) => m.id));
      const silent = await mailboxes.silentSince(
        new Date(now.getTime() - deps.safetySyncAfterHours * HOUR_MS),
      );
      for (const id of silent) await deps.scheduleSync(id);
      if (due.length || silent.length)
        log.info({ renewals: due.length, safetySyncs: silent.length }, 'notify maintenance');
      return { renewals: due.length, safetySyncs: silent.length };
    },
  };
}

export type Renewal = ReturnType<typeof createRenewal>;
