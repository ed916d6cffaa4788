import type { KnownBlock, SlackMessage } from '../../shared/slack-messenger';
import { PAIRING_TTL_MS, type PairingService } from './domain/pairing';
import type { PairingPurpose } from './domain/types';

export const startPageUrl = (baseUrl: string, pairingId: string) =>
  `${baseUrl}/oauth/google/start?pairing=${encodeURIComponent(pairingId)}`;

/** The ephemeral pairing prompt: the code is shown only to its owner, next to the link that asks for it. */
export function connectPrompt(p: {
  baseUrl: string;
  pairingId: string;
  code: string;
  purpose: PairingPurpose;
  minutes: number;
}): {
  text: string;
  blocks: KnownBlock[];
} {
  const url = startPageUrl(p.baseUrl, p.pairingId);
  const intro =
    p.purpose === 'notifications'
      ? 'To post new-mail notifications here, Mailbridge needs permission to read the headers of new messages (sender, subject, date; never the content).'
      : 'Connect your Gmail so the assistant can prepare emails for you. Nothing is ever sent until you click *Send*.';
  const button = p.purpose === 'notifications' ? 'Grant access' : 'Begin connection';
  return {
    text: `${intro} Open ${url} and enter the code ${p.code} (valid for ${p.minutes} minutes, only for you).`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: intro } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Your code: *\`${p.code}\`*\nIt works once, for ${p.minutes} minutes, and only for you. Don't share it.`,
        },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: button },
            style: 'primary',
            url,
            action_id: 'connect_open_link',
            value: p.purpose,
          },
        ],
      },
    ],
  };
}

/** The connect (or notifications) prompt with a fresh pairing link and code. */
export const createPrompter =
  (pairing: Pick<PairingService, 'create'>, baseUrl: string) =>
  async (teamId: string, userId: string, purpose: PairingPurpose): Promise<SlackMessage> => {
    const created = await pairing.create(teamId, userId, purpose);
    return connectPrompt({
      baseUrl,
      pairingId: created.id,
      code: created.code,
      purpose,
      minutes: PAIRING_TTL_MS / 60_000,
    });
  };
