import type { KnownBlock, SlackMessage } from '../../shared/slack-messenger';
import type { MailHeaders } from './domain/types';
import { escapeMrkdwn, listWithin, oneLine, sectionsOf } from '../../shared/mrkdwn';

export const TURN_OFF_ACTION = 'notify_turn_off';
const DIGEST_LINES = 10;
/** Slack truncates a message's `text` beyond this many characters. */
const TEXT_LIMIT = 4000;
/** Room kept for the "and N more" that `listWithin` may append. */
const MORE_ROOM = 20;

// Sender names and subjects are written by strangers: escaped (entities and look-alikes) and cut
// between characters, so they can neither mention, link nor format, in the blocks or in `text`.
const subjectOf = (m: MailHeaders, max = 200) =>
  escapeMrkdwn(oneLine(m.subject).trim() || '(no subject)', max);
const fromOf = (m: MailHeaders, max = 200) => escapeMrkdwn(oneLine(m.from).trim() || '(unknown sender)', max);
/** The owner's own address, verified by Google: shown as it is, entities escaped all the same. */
const mailboxOf = (email: string) => escapeMrkdwn(email, 320, { verbatim: true, singleLine: true });

/** A link into the right account's Gmail (authuser picks it when several are signed in): no API traffic. */
export const gmailLink = (mailboxEmail: string, messageId: string) =>
  `https://mail.google.com/mail/u/0/?authuser=${encodeURIComponent(mailboxEmail)}#inbox/${encodeURIComponent(messageId)}`;

/** Slack renders the date in the reader's own time zone; the fallback is UTC. */
const slackDate = (d: Date) =>
  `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d.toISOString().slice(0, 16).replace('T', ' ')} UTC>`;

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
  const mailbox = mailboxOf(mailboxEmail);
  return {
    text: `New email from ${fromOf(mail)}: ${subjectOf(mail)} (${link})`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:email: *New email* in ${mailbox}\n*From:* ${fromOf(mail)}\n*Subject:* ${subjectOf(mail)}\n*Received:* ${slackDate(mail.receivedAt)}\n<${link}|Open in Gmail>`,
        },
      },
      turnOff,
    ],
  };
}

/**
 * One message for many: the newest lines (whole lines only, so no link or entity is ever cut), how
 * many it leaves out, and a `text` within Slack's limit that also says how many it leaves out.
 */
export function digestMessage(
  mailboxEmail: string,
  mails: MailHeaders[],
  maxLines = DIGEST_LINES,
): SlackMessage {
  const mailbox = mailboxOf(mailboxEmail);
  const shown = mails.slice(-maxLines);
  const more = mails.length - shown.length;
  const lines = shown.map(
    (m) =>
      `• ${fromOf(m, 100)}: <${gmailLink(mailboxEmail, m.id)}|${subjectOf(m, 150)}> (${slackDate(m.receivedAt)})`,
  );
  if (more > 0) lines.unshift(`… and ${more} more`);
  const count = `${mails.length} new email${mails.length === 1 ? '' : 's'}`;
  const intro = `${count} in ${mailbox}: `;
  const items = [...mails]
    .reverse()
    .map((m) => `${fromOf(m, 100)}: ${subjectOf(m, 150)} (${gmailLink(mailboxEmail, m.id)})`);
  return {
    text: intro + listWithin(items, TEXT_LIMIT - intro.length - MORE_ROOM, '; '),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `:email: *${count}* in ${mailbox}` },
      },
      ...sectionsOf(lines),
      turnOff,
    ],
  };
}
