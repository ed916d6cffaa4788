import type { KnownBlock, SlackMessage } from '../../integrations/slack-messenger';
import type { MailHeaders } from '../../domain/notify/types';

export const TURN_OFF_ACTION = 'notify_turn_off';
const DIGEST_LINES = 10;

/** Slack mrkdwn escaping: sender names and subjects are written by strangers. */
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A link into the right account's Gmail (authuser picks it when several are signed in): no API traffic. */
export const gmailLink = (mailboxEmail: string, messageId: string) =>
  `https://mail.google.com/mail/u/0/?authuser=${encodeURIComponent(mailboxEmail)}#inbox/${encodeURIComponent(messageId)}`;

/** Slack renders the date in the reader's own time zone; the fallback is UTC. */
const slackDate = (d: Date) =>
  `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d.toISOString().slice(0, 16).replace('T', ' ')} UTC>`;

const subjectOf = (m: MailHeaders) => clip(m.subject.trim() || '(no subject)', 200);
const fromOf = (m: MailHeaders) => clip(m.from.trim() || '(unknown sender)', 200);

const turnOff: KnownBlock = {
  type: 'actions',
  elements: [
    {
      type: 'button',
      text: { type: 'plain_text', text: 'Turn off' },
      action_id: TURN_OFF_ACTION,
      value: 'off',
    },
  ],
};

export function newMailMessage(mailboxEmail: string, mail: MailHeaders): SlackMessage {
  const link = gmailLink(mailboxEmail, mail.id);
  return {
    text: `New email from ${fromOf(mail)}: ${subjectOf(mail)} (${link})`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:email: *New email* in ${escape(mailboxEmail)}\n*From:* ${escape(fromOf(mail))}\n*Subject:* ${escape(subjectOf(mail))}\n*Received:* ${slackDate(mail.receivedAt)}\n<${link}|Open in Gmail>`,
        },
      },
      turnOff,
    ],
  };
}

export function digestMessage(mailboxEmail: string, mails: MailHeaders[]): SlackMessage {
  const shown = mails.slice(-DIGEST_LINES);
  const more = mails.length - shown.length;
  const lines = shown.map(
    (m) =>
      `• ${escape(fromOf(m))}: <${gmailLink(mailboxEmail, m.id)}|${escape(subjectOf(m))}> (${slackDate(m.receivedAt)})`,
  );
  if (more > 0) lines.unshift(`…and ${more} earlier`);
  return {
    text: `${mails.length} new emails in ${mailboxEmail}: ${shown.map((m) => `${fromOf(m)}: ${subjectOf(m)} (${gmailLink(mailboxEmail, m.id)})`).join('; ')}`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `:email: *${mails.length} new emails* in ${escape(mailboxEmail)}` },
      },
      { type: 'section', text: { type: 'mrkdwn', text: clip(lines.join('\n'), 2900) } },
      turnOff,
    ],
  };
}
