import type { App, BlockButtonAction, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorSummary } from '../../shared/logger';
import { answeringKnownErrors } from '../../shared/slack-answer';
import type { SlackMessage } from '../../shared/slack-messenger';
import type { ClickReply } from './domain/confirm-click';
import type { ReviewDraft, ReviewResult } from './domain/review-draft';
import type { Draft, DraftContent } from './domain/types';
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

type ViewClickArgs = Pick<
  SlackActionMiddlewareArgs<BlockButtonAction>,
  'ack' | 'body' | 'action' | 'respond'
> & {
  client: App['client'];
};

/** "View full email" on a preview: the whole email in a modal (the click's trigger_id), or why not. */
export const viewClick =
  (deps: ReviewActionDeps) =>
  async ({ ack, body, action, respond, client }: ViewClickArgs): Promise<void> => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    await answeringKnownErrors(
      async () => {
        const opening = await deps.review.open({
          teamId: body.team?.id ?? body.user.team_id ?? '',
          userId: body.user.id,
          value: action.value ?? '',
          responseUrl: body.response_url,
        });
        if (opening.kind === 'notice') {
          await tell(deps.render({ kind: 'notice', notice: opening.notice }).text);
          return;
        }
        const marks = deps.marks ? await deps.marks(opening.draft, opening.content) : undefined;
        await client.views.open({
          trigger_id: body.trigger_id,
          view: reviewModal(opening.content, opening.state, marks),
        });
      },
      {
        known: [],
        fallback: FAILED,
        answer: (m) => tell(m.text),
        log: deps.log,
        context: { action: 'view' },
      },
    );
  };

type ReviewSubmitArgs = Pick<SlackViewMiddlewareArgs, 'ack' | 'body' | 'view'>;

/**
 * The modal's Send: acked as soon as the claim is decided (Slack wants the ack within 3 s) — the
 * modal closes (`clear`) when the email is being sent, or says why not in its place (`update`).
 */
export const reviewSubmission =
  (deps: ReviewActionDeps) =>
  async ({ ack, body, view }: ReviewSubmitArgs): Promise<void> => {
    let acked = false;
    const answer = async (r: ReviewResult) => {
      acked = true;
      if (r.kind === 'sending') await ack({ response_action: 'clear' });
      else await ack({ response_action: 'update', view: reviewRefusalView(deps.render(r.reply).text) });
    };
    try {
      await deps.review.submit(
        {
          teamId: body.team?.id ?? body.user.team_id ?? '',
          userId: body.user.id,
          state: view.private_metadata,
        },
        answer,
      );
    } catch (err) {
      deps.log.error({ err: errorSummary(err), action: 'review_send' }, 'slack listener failed');
      if (!acked) await ack({ response_action: 'update', view: reviewRefusalView(FAILED) });
    }
  };

export function registerReviewActions(app: App, deps: ReviewActionDeps) {
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: VIEW_ACTION_ID }, viewClick(deps));
  app.view({ callback_id: REVIEW_CALLBACK_ID, type: 'view_submission' }, reviewSubmission(deps));
}
