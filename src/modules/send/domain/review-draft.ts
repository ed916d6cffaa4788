import type { Clock } from '../../../shared/clock';
import { signToken, verifyToken } from '../../../shared/crypto';
import { signButton } from './button-token';
import type { ClickNotice, ClickReply, ConfirmClick } from './confirm-click';
import type { RecordDecision } from './decisions';
import { ownedButton } from './owned-button';
import type { DraftStore } from './ports';
import type { TellResult } from './sweep-drafts';
import type { Draft, DraftContent, Outcome } from './types';

/** A purpose of its own: a modal's state never verifies as a button, nor a button as a state. */
const STATE_PURPOSE = 'send-email-review';

/** The modal's private_metadata: its Send (`review_send`, the draft and version shown), and where the preview is. */
interface ReviewState {
  s: string;
  r?: string;
}

export interface ReviewClick {
  teamId: string;
  userId: string;
  /** The "View full email" button's signed value. */
  value: string;
  /** The click's response_url: the ephemeral preview the modal's Send replaces. */
  responseUrl?: string;
}

export type ReviewOpening =
  | { kind: 'open'; draft: Draft; content: DraftContent; state: string }
  | { kind: 'notice'; notice: ClickNotice };

export interface ReviewSubmission {
  teamId: string;
  userId: string;
  state: string;
}

/** What the modal's Send did: the modal closes (the email is being sent), or it says why not. */
export type ReviewResult = { kind: 'sending' } | { kind: 'refused'; reply: ClickReply };

export interface ReviewDeps {
  drafts: DraftStore;
  clock: Clock;
  signingKey: string;
  openContent(draft: Draft): DraftContent;
  confirm: ConfirmClick;
  /** Replaces the preview with the outcome (chat.update, or the given response_url). */
  show(draft: Draft, outcome: Outcome): Promise<TellResult>;
  record: RecordDecision;
}

/**
 * The full-email modal: `open` checks the View button (signature, owner, pending, unexpired) and
 * signs the modal's Send for the version it shows; `submit` is that Send, decided by `confirm`
 * like any Send (owner, expiry, quota, the atomic claim of that version, audit).
 */
export function createReviewDraft(deps: ReviewDeps) {
  const notice = (n: ClickNotice): ReviewOpening => ({ kind: 'notice', notice: n });

  async function open(click: ReviewClick): Promise<ReviewOpening> {
    const now = deps.clock.now();
    const check = await ownedButton(deps, click, 'view', now);
    if (!check.ok) return notice(check.notice);
    const { value } = check;
    const draft = await deps.drafts.findById(value.draftId);
    if (!draft || draft.userId !== click.userId) return notice({ reason: 'missing' });
    if (draft.status !== 'pending') return notice({ reason: 'already', status: draft.status });
    if (check.expired || draft.expiresAt <= now) return notice({ reason: 'already', status: 'expired' });
    // The modal shows the draft as it is now; its Send claims exactly this version.
    const send = signButton(deps.signingKey, {
      draftId: draft.id,
      userId: draft.userId,
      teamId: draft.teamId,
      action: 'review_send',
      expiresAt: draft.expiresAt,
      version: draft.version,
    });
    const state: ReviewState = { s: send, ...(click.responseUrl ? { r: click.responseUrl } : {}) };
    return {
      kind: 'open',
      draft,
      content: deps.openContent(draft),
      state: signToken(deps.signingKey, STATE_PURPOSE, state),
    };
  }

  /** Answers the submission through `answer` exactly once, before the preview is replaced. */
  async function submit(sub: ReviewSubmission, answer: (r: ReviewResult) => Promise<void>): Promise<void> {
    const state = verifyToken<Partial<ReviewState>>(deps.signingKey, STATE_PURPOSE, sub.state);
    if (!state || typeof state.s !== 'string' || (state.r !== undefined && typeof state.r !== 'string')) {
      await answer({ kind: 'refused', reply: { kind: 'notice', notice: { reason: 'invalid' } } });
      return;
    }
    const responseUrl = state.r;
    const click = { teamId: sub.teamId, userId: sub.userId, action: 'review_send' as const, value: state.s };
    await deps.confirm({ ...click, ...(responseUrl ? { responseUrl } : {}) }, async (reply) => {
      const sending = reply.kind === 'replace' && reply.outcome.kind === 'sending';
      await answer(sending ? { kind: 'sending' } : { kind: 'refused', reply });
      if (reply.kind !== 'replace') return;
      const at = { ...reply.draft, responseUrl: responseUrl ?? reply.draft.responseUrl };
      if ((await deps.show(at, reply.outcome)) === 'retry') throw new Error('the preview was not replaced');
    });
  }

  return { open, submit };
}

export type ReviewDraft = ReturnType<typeof createReviewDraft>;
