import type { RespondFn } from '@slack/bolt';
import type { SlackMessage } from './slack-messenger';

/** Answers through the response_url, visible only to the person who ran the command or clicked. */
export const replyEphemeral = (respond: RespondFn, message: SlackMessage) =>
  respond({
    response_type: 'ephemeral',
    replace_original: false,
    text: message.text,
    blocks: message.blocks,
  });
