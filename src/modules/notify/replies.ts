import type { SlackMessage } from '../../shared/slack-messenger';
import type { DisableResult, EnableResult } from './domain/mailbox-control';
import { addressMrkdwn } from '../../shared/mrkdwn';

const day = (d: Date) => `${d.toISOString().slice(0, 10)}`;

type Prompt = (purpose: 'connect' | 'notifications') => Promise<SlackMessage>;

/** The answer to `/ai-email-notifications on` (and to a finished "Grant access"). */
export async function enableReply(result: EnableResult, prompt: Prompt): Promise<SlackMessage> {
  switch (result.kind) {
    case 'not_connected': {
      const connect = await prompt('connect');
      const first = 'Connect your Gmail first, then run `/ai-email-notifications on` again.';
      return {
        text: `${first} ${connect.text}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: first } }, ...(connect.blocks ?? [])],
      };
    }
    case 'needs_grant':
      return prompt('notifications');
    case 'connection_invalid':
      return {
        text: `Your Gmail connection (${addressMrkdwn(result.email)}) is no longer valid. Run \`/ai-email-connect\` to reconnect, then \`/ai-email-notifications on\`.`,
      };
    case 'failed':
      return {
        text: `Could not turn on new-mail notifications for ${addressMrkdwn(result.email)}: ${result.reason}. Please try again in a minute.`,
      };
    case 'enabled':
      return {
        text: `New-mail notifications are ${result.alreadyOn ? 'already ' : ''}on for ${addressMrkdwn(result.email)}: new inbox mail arrives here as a direct message (promotions, social, updates and forums are skipped). The Gmail watch runs until ${day(result.watchExpiresAt)} and is renewed automatically. Turn them off with \`/ai-email-notifications off\`.`,
      };
  }
}

export function disableReply(result: DisableResult): SlackMessage {
  switch (result.kind) {
    case 'not_connected':
      return { text: 'Gmail is not connected, so there are no notifications to turn off.' };
    case 'already_off':
      return { text: 'New-mail notifications are already off.' };
    case 'disabled':
      return {
        text: `New-mail notifications for ${addressMrkdwn(result.email)} are off. Turn them on again with \`/ai-email-notifications on\`.`,
      };
  }
}
