import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackMessage } from '../../shared/slack-messenger';
import type { ButtonAction } from './domain/button-token';
import type { ClickReply, ConfirmClick } from './domain/confirm-click';
import { isAppError } from '../../shared/errors';
import { CANCEL_ACTION_ID, SEND_ACTION_ID } from './blocks';

export interface SendActionDeps {
  confirm: ConfirmClick;
  /** Words a click's result: `replace` swaps the preview, otherwise a new ephemeral to the clicker. */
  render(reply: ClickReply): SlackMessage & { replace: boolean };
  log: Logger;
}

const reply = (respond: RespondFn, message: SlackMessage & { replace: boolean }) =>
  respond(
    message.replace
      ? { replace_original: true, text: message.text, blocks: message.blocks }
      : { response_type: 'ephemeral', replace_original: false, text: message.text },
  );

/** Send / Cancel on a confirmation. */
export function registerSendActions(app: App, deps: SendActionDeps) {
  const handle =
    (action: ButtonAction) =>
    async ({
      ack,
      body,
      action: button,
      respond,
    }: {
      ack: () => Promise<void>;
      body: BlockButtonAction;
      action: BlockButtonAction['actions'][number];
      respond: RespondFn;
    }) => {
      // Slack needs the ack within 3 s; the claim, the limits and the enqueue happen after it.
      await ack();
      try {
        await deps.confirm(
          {
            teamId: body.team?.id ?? body.user.team_id ?? '',
            userId: body.user.id,
            action,
            value: button.value ?? '',
            responseUrl: body.response_url,
          },
          (result) => reply(respond, deps.render(result)),
        );
      } catch (err) {
        // confirm throws only when nothing was claimed, so "nothing was sent" is true here.
        const known = isAppError(err) && err.httpStatus < 500;
        if (!known) deps.log.error({ err, action }, 'send button failed');
        await reply(respond, {
          replace: false,
          text: known ? err.message : 'Something went wrong on our side; nothing was sent. Please try again.',
        }).catch(() => undefined);
      }
    };

  app.action<BlockButtonAction>({ type: 'block_actions', action_id: SEND_ACTION_ID }, handle('send'));
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: CANCEL_ACTION_ID }, handle('cancel'));
}
