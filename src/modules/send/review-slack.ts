import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackMessage } from '../../shared/slack-messenger';
import type { ClickReply } from './domain/confirm-click';
import type { ReviewDraft, ReviewResult } from './domain/review-draft';
import type { Draft, DraftContent } from './domain/types';
import { modalClick, modalSubmission } from './modal-slack';
import {
  REVIEW_CALLBACK_ID,
  VIEW_ACTION_ID,
  reviewModal,
  reviewRefusalView,
  type RecipientMarks,
} from './review-blocks';

export interface ReviewActionDeps {
  review: ReviewDraft;
  /** Words a Send's result (the same as a click on Send). */
  render(reply: ClickReply): SlackMessage & { replace: boolean };
  /** The external and new marks beside each recipient of the draft. */
  marks?(draft: Draft, content: DraftContent): Promise<RecipientMarks>;
  log: Logger;
}

const FAILED = 'Something went wrong on our side; nothing was sent. Please try again.';

/** "View full email" on a preview: the whole email in a modal (the click's trigger_id), or why not. */
export const viewClick = (deps: ReviewActionDeps) =>
  modalClick({
    open: async (click) => {
      const opening = await deps.review.open(click);
      if (opening.kind === 'notice') {
        return { notice: deps.render({ kind: 'notice', notice: opening.notice }).text };
      }
      const marks = deps.marks ? await deps.marks(opening.draft, opening.content) : undefined;
      return { view: reviewModal(opening.content, opening.state, marks) };
    },
    failed: FAILED,
    log: deps.log,
    action: 'view',
  });

/**
 * The modal's Send: acked as soon as the claim is decided (Slack wants the ack within 3 s) — the
 * modal closes (`clear`) when the email is being sent, or says why not in its place (`update`).
 */
export const reviewSubmission = (deps: ReviewActionDeps) =>
  modalSubmission<ReviewResult>({
    submit: ({ teamId, userId, state }, answer) => deps.review.submit({ teamId, userId, state }, answer),
    ack: (r) =>
      r.kind === 'sending'
        ? { response_action: 'clear' }
        : { response_action: 'update', view: reviewRefusalView(deps.render(r.reply).text) },
    failedView: reviewRefusalView(FAILED),
    log: deps.log,
    action: 'review_send',
  });

export function registerReviewActions(app: App, deps: ReviewActionDeps) {
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: VIEW_ACTION_ID }, viewClick(deps));
  app.view({ callback_id: REVIEW_CALLBACK_ID, type: 'view_submission' }, reviewSubmission(deps));
}
