import type { Clock } from '../../../shared/clock';
import { aboutDraft, tryOpen, type RecordDecision } from './decisions';
import type { DraftStore } from './ports';
import { isFinalStatus, type Draft, type DraftContent, type FinalStatus, type Outcome } from './types';

export type TellResult = 'shown' | 'retry' | 'gone';

export interface SweepDeps {
  drafts: DraftStore;
  clock: Clock;
  record: RecordDecision;
  openContent(draft: Draft): DraftContent;
  /** Replaces the preview with the outcome and, once Slack took it, marks the draft's preview as showing it. */
  tell(draft: Draft, outcome: Outcome): Promise<void>;
  /**
   * The same for the repair: `shown` (and marked), `retry` (Slack failed; try later) or `gone`
   * (Slack will never take it: an expired response_url, a deleted message or channel).
   */
  retell(draft: Draft, outcome: Outcome): Promise<TellResult>;
  /** Makes sure a send job will look at this draft again (idempotent: a live job is left alone). */
  resume(draft: Draft): Promise<void>;
  /** See SendSettings.inFlightMs. */
  inFlightMs: number;
}

const BATCH = 200;
/**
 * Bounds of one sweep's preview repair: during a Slack outage the tellings run one after another
 * and each may wait for its timeout, so a sweep tells at most this many, within this time.
 */
export const MAX_RETELLS_PER_SWEEP = 20;
export const RETELL_BUDGET_MS = 10_000;
/**
 * How long after a draft finished its preview is still brought up to date: Slack accepts a click's
 * response_url for 30 minutes, a DM preview can be updated later; past this, Slack is given up on.
 */
export const PREVIEW_REPAIR_WINDOW_MS = 60 * 60_000;

/** The outcome a finished draft's preview must show, as the use cases told it. */
export function outcomeOf(draft: Draft & { status: FinalStatus }): Outcome {
  const reason = draft.failureReason ?? '';
  if (draft.status === 'sent' || draft.status === 'expired') return { kind: draft.status };
  if (draft.status === 'cancelled') return reason ? { kind: 'cancelled', reason } : { kind: 'cancelled' };
  return { kind: draft.status, reason };
}

/**
 * Since when a `sending`/`attempting` draft has been in someone's hands: its latest claim, attempt
 * or scheduled retry. A retry due in the future gives a time in the future.
 */
export const heldSince = (d: Draft): Date =>
  new Date(
    Math.max(
      d.createdAt.getTime(),
      d.claimedAt?.getTime() ?? 0,
      d.attemptedAt?.getTime() ?? 0,
      d.nextAttemptAt?.getTime() ?? 0,
    ),
  );

/** Drafts that time or a lost process left behind, and drafts a connection change made moot. */
export function createDraftSweeper(deps: SweepDeps) {
  const content = (draft: Draft) => tryOpen(deps.openContent, draft);

  async function expireOverdue(now: Date): Promise<number> {
    let expired = 0;
    for (const draft of await deps.drafts.listExpiredPending(now, BATCH)) {
      if (!(await deps.drafts.transition(draft.id, ['pending'], 'expired'))) continue;
      expired++;
      await deps.record({ ...aboutDraft(draft), result: 'expired', content: content(draft) });
      await deps.tell(draft, { kind: 'expired' });
    }
    return expired;
  }

  /**
   * A process killed mid-send (or a click whose job could not be queued) leaves drafts `sending` or
   * `attempting`. Young ones are still in someone's hands (the click path enqueues right after
   * claiming; an attempt waits at most inFlightMs for Gmail; a retry waits in the queue until its
   * `nextAttemptAt`); older ones are handed to a send job again, which never resends an attempt.
   */
  async function resumeStuck(now: Date): Promise<number> {
    let resumed = 0;
    for (const draft of await deps.drafts.listInStatus(['sending', 'attempting'], BATCH)) {
      if (now.getTime() - heldSince(draft).getTime() < deps.inFlightMs) continue;
      await deps.resume(draft);
      resumed++;
    }
    return resumed;
  }

  /**
   * A process killed between a draft's final transition and the preview update (or a Slack error
   * then) leaves the person looking at "Sending…": the outcome is told again until Slack takes it.
   * Drafts changed within inFlightMs are left to the runner that is still telling them.
   */
  async function reshowOutcomes(now: Date): Promise<number> {
    const before = new Date(now.getTime() - deps.inFlightMs);
    const after = new Date(now.getTime() - PREVIEW_REPAIR_WINDOW_MS);
    const drafts = await deps.drafts.listUnshownOutcomes(after, before, now, MAX_RETELLS_PER_SWEEP);
    const stopAt = now.getTime() + RETELL_BUDGET_MS;
    let told = 0;
    for (const draft of drafts) {
      if (deps.clock.now().getTime() > stopAt) break;
      if (!isFinalStatus(draft.status)) continue;
      told++;
      const result = await deps.retell(draft, outcomeOf({ ...draft, status: draft.status }));
      // A failed telling moves the draft back in line (least recently tried first) and backs off.
      if (result !== 'shown') await deps.drafts.recordPreviewTry(draft.id, draft.status, result === 'gone');
    }
    return told;
  }

  return {
    async sweep(): Promise<{ expired: number; resumed: number; reshown: number }> {
      const now = deps.clock.now();
      return {
        expired: await expireOverdue(now),
        resumed: await resumeStuck(now),
        reshown: await reshowOutcomes(now),
      };
    },
    /** A reconnect or disconnect: confirmations made for the previous grant must not be sent. */
    async cancelOpen(teamId: string, userId: string, reason: string): Promise<void> {
      for (const draft of await deps.drafts.listOpenForUser(teamId, userId)) {
        const moved = await deps.drafts.transition(draft.id, ['pending', 'sending'], 'cancelled', {
          failureReason: reason,
        });
        if (!moved) continue;
        await deps.record({ ...aboutDraft(draft), result: 'cancelled', reason, content: content(draft) });
        await deps.tell(draft, { kind: 'cancelled', reason });
      }
    },
  };
}

export type DraftSweeper = ReturnType<typeof createDraftSweeper>;
