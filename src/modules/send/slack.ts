import type { App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { answeringKnownErrors } from '../../shared/slack-answer';
import type { SlackMessage } from '../../shared/slack-messenger';
import type { ClickAction, ClickReply, ConfirmClick } from './domain/confirm-click';
import { CANCEL_ACTION_ID, SEND_ACTION_ID } from './blocks';
import type { EditDraft } from './domain/edit-draft';
import { registerEditActions } from './edit-slack';
import type { ReviewDraft } from './domain/review-draft';
import { registerReviewActions, type ReviewActionDeps } from './review-slack';

export interface SendActionDeps {
  confirm: ConfirmClick;
  /** Words a click's result: `replace` swaps the preview, otherwise a new ephemeral to the clicker. */
  render(reply: ClickReply): SlackMessage & { replace: boolean };
  /** Edit before Send: the Edit button and its modal (edit-slack.ts). */
  edit?: EditDraft;
  /** A long email: the "View full email" modal and its Send (review-slack.ts). */
  review?: ReviewDraft;
  marks?: ReviewActionDeps['marks'];
  log: Logger;
}

/**
 * A click fails only before anything was claimed, and only for reasons that are not the person's
 * to fix (the database, Redis, the audit trail): none of send's codes has words of its own here.
 */
const CLICK_FAILED = 'Something went wrong on our side; nothing was sent. Please try again.';

export type ButtonClickArgs = Pick<
  SlackActionMiddlewareArgs<BlockButtonAction>,
  'ack' | 'body' | 'action' | 'respond'
>;

const reply = (respond: ButtonClickArgs['respond'], message: SlackMessage & { replace: boolean }) =>
  respond(
    message.replace
      ? { replace_original: true, text: message.text, blocks: message.blocks }
      : { response_type: 'ephemeral', replace_original: false, text: message.text },
  );

/** Send or Cancel on a confirmation, answered through the click's response_url. */
export const buttonClick =
  (deps: SendActionDeps, action: ClickAction) =>
  async ({ ack, body, action: button, respond }: ButtonClickArgs): Promise<void> => {
    // Slack needs the ack within 3 s; the claim, the limits and the enqueue happen after it.
    await ack();
    // confirm throws only when nothing was claimed, so "nothing was sent" is true when it does.
    await answeringKnownErrors(
      () =>
        deps.confirm(
          {
            teamId: body.team?.id ?? body.user.team_id ?? '',
            userId: body.user.id,
            action,
            value: button.value ?? '',
            responseUrl: body.response_url,
          },
          async (result) => {
            await reply(respond, deps.render(result));
          },
        ),
      {
        // A click fails only before anything was claimed, never for a reason the person could fix.
        known: [],
        fallback: CLICK_FAILED,
        answer: (message) => reply(respond, { ...message, replace: false }),
        log: deps.log,
        context: { action },
      },
    );
  };

export const sendClick = (deps: SendActionDeps) => buttonClick(deps, 'send');
export const cancelClick = (deps: SendActionDeps) => buttonClick(deps, 'cancel');

export function registerSendActions(app: App, deps: SendActionDeps) {
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: SEND_ACTION_ID }, sendClick(deps));
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: CANCEL_ACTION_ID }, cancelClick(deps));
  if (deps.edit) registerEditActions(app, { edit: deps.edit, log: deps.log });
  if (deps.review) registerReviewActions(app, { ...deps, review: deps.review });
}
