import type { Clock } from '../../../shared/clock';
import { needsReview } from './body-view';
import { aboutDraft, tryOpen, type RecordDecision } from './decisions';
import { ownedButton } from './owned-button';
import { markPreviewFinal } from './preview-mark';
import type { DraftStore, EventLog, LimitCheck, LimitScope, SendLimits } from './ports';
import type { Draft, DraftContent, DraftStatus, Outcome } from './types';

/** The clicks this use case decides (Edit opens a modal instead: `edit-draft.ts`); `review_send` is the full-email modal's Send. */
export type ClickAction = 'send' | 'cancel' | 'review_send';

export interface Click {
  teamId: string;
  userId: string;
  action: ClickAction;
  value: string;
  responseUrl?: string;
}

/** Either the preview is replaced by an outcome, or the clicker gets a notice and the preview stays. */
export type ClickReply =
  { kind: 'replace'; draft: Draft; outcome: Outcome } | { kind: 'notice'; notice: ClickNotice };

/** Shows a reply to the clicker (replacing the preview or as a notice); throws when Slack refused it. */
export type ClickAnswer = (reply: ClickReply) => Promise<void>;

export type ClickNotice =
  | { reason: 'invalid' | 'missing' }
  | { reason: 'review_required' }
  | { reason: 'not_owner'; ownerId: string }
  | { reason: 'already'; status: DraftStatus }
  /** The content changed (an edit) since this Send was shown: it never sends a version nobody saw. */
  | { reason: 'stale' }
  | { reason: 'rate_limited'; scope: LimitScope; retryAfterMs: number };

export interface ClickDeps {
  drafts: DraftStore;
  clock: Clock;
  signingKey: string;
  limits: SendLimits;
  /** Enqueues the send job (payload: the draft id only; deterministic job id). */
  enqueueSend(draftId: string): Promise<void>;
  openContent(draft: Draft): DraftContent;
  record: RecordDecision;
  log: EventLog;
}

/**
 * A Send or Cancel click. The button's signature binds owner, draft, action and expiry; one
 * conditional UPDATE out of `pending` picks the single winner among double clicks, Send-vs-Cancel
 * races and redelivered actions, so at most one send job is ever enqueued for a draft.
 *
 * Invariant: once a Send click won the claim, the email goes out (the job, or the sweep if queuing
 * failed), so `confirmClick` never throws after that point — a thrown error always means nothing
 * was claimed and nothing will be sent.
 */
export function createConfirmClick(deps: ClickDeps) {
  const notice = (n: ClickNotice): ClickReply => ({ kind: 'notice', notice: n });

  async function expire(draft: Draft): Promise<ClickReply> {
    if (await deps.drafts.transition(draft.id, ['pending'], 'expired')) {
      await deps.record({
        ...aboutDraft(draft),
        result: 'expired',
        content: tryOpen(deps.openContent, draft),
      });
    }
    return { kind: 'replace', draft, outcome: { kind: 'expired' } };
  }

  /** The claim was lost: say what happened instead (or expire a draft that ran out of time). */
  async function lost(draftId: string, seen?: number): Promise<ClickReply> {
    const now = deps.clock.now();
    const current = await deps.drafts.findById(draftId);
    if (!current) return notice({ reason: 'missing' });
    if (current.status === 'pending' && current.expiresAt <= now) return expire(current);
    if (current.status === 'pending' && seen !== undefined && current.version !== seen) {
      return notice({ reason: 'stale' });
    }
    if (current.status === 'expired')
      return { kind: 'replace', draft: current, outcome: { kind: 'expired' } };
    return notice({ reason: 'already', status: current.status });
  }

  async function cancel(draft: Draft, responseUrl: string | null): Promise<ClickReply> {
    if (!(await deps.drafts.transition(draft.id, ['pending'], 'cancelled', { responseUrl }))) {
      return lost(draft.id);
    }
    await deps.record({
      ...aboutDraft(draft),
      result: 'cancelled',
      reason: 'owner',
      content: tryOpen(deps.openContent, draft),
    });
    return { kind: 'replace', draft, outcome: { kind: 'cancelled' } };
  }

  /** Quota before the claim (a claimed draft never waits on a limit); claims only `seen`, the version shown. */
  async function send(
    draft: Draft,
    seen: number,
    responseUrl: string | null,
    answer: ClickAnswer,
  ): Promise<ClickReply | undefined> {
    if (draft.version !== seen) return notice({ reason: 'stale' });
    const quota = await deps.limits.consumeSend(draft.teamId, draft.userId);
    if (!quota.allowed) return refused(draft, quota);
    const refund = () =>
      deps.limits
        .refundSend(draft.teamId, draft.userId)
        .catch((err: unknown) =>
          deps.log.warn({ draftId: draft.id, err: errorOf(err) }, 'send quota not refunded'),
        );
    const now = deps.clock.now();
    let claimed: boolean;
    try {
      claimed = await deps.drafts.transition(
        draft.id,
        ['pending'],
        'sending',
        { claimedAt: now, responseUrl },
        { unexpiredAt: now, version: seen },
      );
    } catch (err) {
      await refund();
      throw err;
    }
    if (!claimed) {
      await refund();
      return lost(draft.id, seen);
    }
    await proceed(draft, answer);
    return undefined;
  }

  /** The draft stays pending (the owner may click again later), unless a concurrent click took it. */
  async function refused(draft: Draft, quota: Extract<LimitCheck, { allowed: false }>): Promise<ClickReply> {
    const current = await deps.drafts.findById(draft.id);
    if (current?.status !== 'pending') return lost(draft.id);
    await deps.record({ ...aboutDraft(draft), result: 'rate_limited', reason: quota.scope });
    return notice({ reason: 'rate_limited', scope: quota.scope, retryAfterMs: quota.retryAfterMs });
  }

  /**
   * Past the claim: each step is best effort and only logged. "Sending…" is shown before the job
   * exists, so it can never overwrite the outcome the job reports; a job that could not be queued
   * is queued by the sweep once the claim is older than any live process could hold it.
   */
  async function proceed(draft: Draft, answer: ClickAnswer): Promise<void> {
    const logged = (msg: string) => (err: unknown) =>
      deps.log.warn({ draftId: draft.id, err: errorOf(err) }, msg);
    await answer({ kind: 'replace', draft, outcome: { kind: 'sending' } }).catch(
      logged('could not show that the email is being sent'),
    );
    await deps
      .record({ ...aboutDraft(draft), result: 'sending', content: tryOpen(deps.openContent, draft) })
      .catch(logged('could not record the sending decision'));
    await deps.enqueueSend(draft.id).catch(logged('send job not queued; the sweep will queue it'));
  }

  async function denied({ teamId, userId }: Click, draftId: string, n: ClickNotice): Promise<ClickReply> {
    await deps.record({ teamId, userId, draftId, result: 'denied', reason: n.reason });
    return notice(n);
  }

  async function decide(click: Click, answer: ClickAnswer): Promise<ClickReply | undefined> {
    const now = deps.clock.now();
    const check = await ownedButton(deps, click, click.action, now);
    if (!check.ok) return notice(check.notice);
    const { value } = check;
    const draft = await deps.drafts.findById(value.draftId);
    if (!draft || draft.userId !== click.userId) return notice({ reason: 'missing' });
    if (draft.status !== 'pending') return lost(draft.id);
    if (check.expired || draft.expiresAt <= now) return expire(draft);
    const responseUrl = click.responseUrl ?? null;
    if (click.action === 'cancel') return cancel(draft, responseUrl);
    if (needsReview(click.action, draft, deps.openContent)) return denied(click, draft.id, REVIEW_REQUIRED);
    return send(draft, value.version, responseUrl, answer);
  }

  /**
   * Answers the click through `answer`; throws only when nothing was claimed (see the invariant
   * above). A preview replaced by a final outcome is marked so, or the sweep tells it again.
   */
  return async function confirmClick(click: Click, answer: ClickAnswer): Promise<void> {
    const reply = await decide(click, answer);
    if (!reply) return;
    await answer(reply);
    if (reply.kind === 'replace') await markPreviewFinal(deps, reply.draft.id, reply.outcome.kind);
  };
}

/** Refused and audited (`denied`): a Send button for an email only the full-email modal may send. */
const REVIEW_REQUIRED: ClickNotice = { reason: 'review_required' };
const errorOf = (err: unknown) => ({ message: err instanceof Error ? err.message : String(err) });

export type ConfirmClick = ReturnType<typeof createConfirmClick>;
