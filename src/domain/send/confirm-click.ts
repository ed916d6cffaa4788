import type { Clock } from '../../lib/clock';
import { verifyButton, type ButtonAction } from './button-token';
import { aboutDraft, tryOpen, type RecordDecision } from './decisions';
import type { LimitScope, SendLimits } from './limits';
import type { Draft, DraftContent, DraftStatus, DraftStore, Outcome } from './types';

export interface Click {
  teamId: string;
  userId: string;
  action: ButtonAction;
  value: string;
  responseUrl?: string;
}

/** Either the preview is replaced by an outcome, or the clicker gets a notice and the preview stays. */
export type ClickReply =
  { kind: 'replace'; draft: Draft; outcome: Outcome } | { kind: 'notice'; notice: ClickNotice };

export type ClickNotice =
  | { reason: 'invalid' | 'missing' }
  | { reason: 'not_owner'; ownerId: string }
  | { reason: 'already'; status: DraftStatus }
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
}

/**
 * A Send or Cancel click. The button's signature binds owner, draft, action and expiry; one
 * conditional UPDATE out of `pending` picks the single winner among double clicks, Send-vs-Cancel
 * races and redelivered actions, so at most one send job is ever enqueued for a draft.
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
  async function lost(draftId: string): Promise<ClickReply> {
    const now = deps.clock.now();
    const current = await deps.drafts.findById(draftId);
    if (!current) return notice({ reason: 'missing' });
    if (current.status === 'pending' && current.expiresAt <= now) return expire(current);
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

  async function send(draft: Draft, responseUrl: string | null): Promise<ClickReply> {
    const now = deps.clock.now();
    const claimed = await deps.drafts.transition(
      draft.id,
      ['pending'],
      'sending',
      { claimedAt: now, responseUrl },
      now,
    );
    if (!claimed) return lost(draft.id);
    const release = () => deps.drafts.transition(draft.id, ['sending'], 'pending');
    const quota = await deps.limits.consumeSend(draft.teamId, draft.userId).catch(async (err: unknown) => {
      await release();
      throw err;
    });
    if (!quota.allowed) {
      // The draft stays pending: the owner may click Send again once the limit allows it.
      await release();
      await deps.record({ ...aboutDraft(draft), result: 'rate_limited', reason: quota.scope });
      return notice({ reason: 'rate_limited', scope: quota.scope, retryAfterMs: quota.retryAfterMs });
    }
    try {
      await deps.enqueueSend(draft.id);
    } catch (err) {
      await release();
      await deps.limits.refundSend(draft.teamId, draft.userId).catch(() => undefined);
      throw err;
    }
    await deps.record({ ...aboutDraft(draft), result: 'sending', content: tryOpen(deps.openContent, draft) });
    return { kind: 'replace', draft, outcome: { kind: 'sending' } };
  }

  return async function confirmClick(click: Click): Promise<ClickReply> {
    const now = deps.clock.now();
    const check = verifyButton(deps.signingKey, click.value, click.action, now);
    if (!check.ok) return notice({ reason: 'invalid' });
    const { value } = check;
    if (value.userId !== click.userId || value.teamId !== click.teamId) {
      await deps.record({
        teamId: click.teamId,
        userId: click.userId,
        draftId: value.draftId,
        result: 'denied',
        reason: 'not_owner',
      });
      return notice({ reason: 'not_owner', ownerId: value.userId });
    }
    const draft = await deps.drafts.findById(value.draftId);
    if (!draft || draft.userId !== click.userId) return notice({ reason: 'missing' });
    if (draft.status !== 'pending') return lost(draft.id);
    if (check.expired || draft.expiresAt <= now) return expire(draft);
    const responseUrl = click.responseUrl ?? null;
    return click.action === 'cancel' ? cancel(draft, responseUrl) : send(draft, responseUrl);
  };
}

export type ConfirmClick = ReturnType<typeof createConfirmClick>;
