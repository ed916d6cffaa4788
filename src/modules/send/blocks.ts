import type { KnownBlock, SlackMessage } from '../../shared/slack-messenger';
import { replySubject, staysInThread } from './domain/reply-to';
import type { DraftContent, Mailbox, Outcome } from './domain/types';
import { codeMrkdwn, escapeMrkdwn, listWithin, sectionsOf } from '../../shared/mrkdwn';
import { editButtons } from './edit-blocks';
import { bodyParts, fitsPreview } from './domain/body-view';
import { bodySections, mailboxMrkdwn, viewFullButton, type RecipientMarks } from './review-blocks';

export const SEND_ACTION_ID = 'send_email_send';
export const CANCEL_ACTION_ID = 'send_email_cancel';

/**
 * Budgets that keep every text object within Slack's 3000 characters and every `text` within
 * 4000 whatever the assistant sent (50 recipients of 254 characters, a 998-character subject):
 * lists end in "and N more", the subject is shortened in Slack only (the email keeps all of it).
 */
/** The beginning of a body only the modal shows whole. */
const BODY_START_CHARS = 1500;
const FIELD_CHARS = 2400;
const SUBJECT_PREVIEW_CHARS = 1000;
const SUMMARY_CHARS = 1500;
const SUBJECT_SUMMARY_CHARS = 300;
const REASON_CHARS = 600;

/** The subject the email goes out with (a reply's `Re: …` when none was staged). */
const sentSubject = (c: DraftContent) => replySubject(c.subject, c.reply);

const quoteSubject = (subject: string) =>
  subject ? `“${escapeMrkdwn(subject, SUBJECT_SUMMARY_CHARS)}”` : '(no subject)';

/** `a@x, b@y and 3 more`: addresses only, every recipient field included, escaped for mrkdwn. */
export function recipientSummary(c: DraftContent): string {
  const all = [...c.to, ...c.cc, ...c.bcc].map((m) => escapeMrkdwn(m.address));
  return listWithin(all, SUMMARY_CHARS);
}

/**
 * A body that fits is shown whole (plain-text sections: exactly as it will be sent, no Slack
 * formatting); a longer one only begins here, and the modal shows it whole.
 */
function bodyBlocks(body: string): KnownBlock[] {
  if (fitsPreview(body)) return bodySections(body);
  // Cut like the modal's parts: at a line break or space, never inside a surrogate pair.
  const beginning = bodyParts(body, BODY_START_CHARS)[0]!;
  const start = bodySections(beginning)[0]!;
  const rest = body.length - beginning.length;
  const note = `_This is only the beginning (${rest} more characters). Click *View full email* to read all of it; Send is there._`;
  return [start, { type: 'section', text: { type: 'mrkdwn', text: note } }];
}

function headerLines(c: DraftContent, marks?: RecipientMarks): string[] {
  const list = (label: string, items: Mailbox[]) =>
    items.length
      ? [
          `*${label}:* ${listWithin(
            items.map((m) => mailboxMrkdwn(m, marks)),
            FIELD_CHARS,
          )}`,
        ]
      : [];
  return [
    `*From:* ${codeMrkdwn(c.from)}`,
    ...list('To', c.to),
    ...list('Cc', c.cc),
    ...list('Bcc', c.bcc),
    `*Subject:* ${subjectPreview(sentSubject(c))}`,
    ...(c.reply
      ? [`*In reply to:* ${escapeMrkdwn(c.reply.from, FIELD_CHARS)}: ${quoteSubject(c.reply.subject)}`]
      : []),
    ...(c.reply && !staysInThread(c.subject, c.reply)
      ? ['_Its subject differs from the email it answers, so Gmail will show it in a new conversation._']
      : []),
  ];
}

function subjectPreview(subject: string): string {
  if (!subject) return '(no subject)';
  const shown = escapeMrkdwn(subject, SUBJECT_PREVIEW_CHARS);
  return shown === escapeMrkdwn(subject) ? shown : `${shown} _(shortened here; the email has all of it)_`;
}

export function previewMessage(p: {
  content: DraftContent;
  expiresAt: Date;
  sendValue: string;
  cancelValue: string;
  /** The owner's Edit button (opens the Edit modal); signed like Send, naming the version shown. */
  editValue?: string;
  /** The "View full email" button; shown instead of Send when the body does not fit the preview. */
  viewValue?: string;
  marks?: RecipientMarks;
}): SlackMessage {
  const { content: c } = p;
  const expiry = Math.floor(p.expiresAt.getTime() / 1000);
  const expiryText = `<!date^${expiry}^{time}|${p.expiresAt.toISOString().slice(11, 16)} UTC>`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '*The assistant prepared an email for you.* Nothing is sent until you click *Send*.',
      },
    },
    ...sectionsOf(headerLines(c, p.marks)),
    ...bodyBlocks(c.body),
    { type: 'context', elements: [{ type: 'mrkdwn', text: `This confirmation expires at ${expiryText}.` }] },
    {
      type: 'actions',
      block_id: 'send_email_confirm',
      elements: [
        fitsPreview(c.body)
          ? {
              type: 'button',
              action_id: SEND_ACTION_ID,
              text: { type: 'plain_text', text: 'Send' },
              style: 'primary',
              value: p.sendValue,
            }
          : viewFullButton(p.viewValue ?? ''),
        {
          type: 'button',
          action_id: CANCEL_ACTION_ID,
          text: { type: 'plain_text', text: 'Cancel' },
          style: 'danger',
          value: p.cancelValue,
        },
        ...editButtons(p.editValue),
      ],
    },
  ];
  const text = `Confirm ${c.reply ? 'reply' : 'email'} to ${recipientSummary(c)}: ${quoteSubject(sentSubject(c))}. Nothing is sent until you click Send.`;
  return { text, blocks };
}

const CANCEL_REASONS: Record<string, string> = {
  connection_changed: 'your Gmail connection changed after it was prepared',
  disconnected: 'Gmail was disconnected',
};

/** The mrkdwn that replaces the preview; the body is not repeated. User text in it is escaped. */
export function outcomeText(outcome: Outcome, c: DraftContent | undefined): string {
  const what = c ? `${quoteSubject(sentSubject(c))} to ${recipientSummary(c)}` : 'this email';
  const reason = (r: string) => escapeMrkdwn(r, REASON_CHARS);
  switch (outcome.kind) {
    case 'sending':
      return `:hourglass_flowing_sand: Sending ${what}…`;
    case 'sent':
      return c
        ? `:white_check_mark: Sent to ${recipientSummary(c)}: ${quoteSubject(sentSubject(c))}`
        : ':white_check_mark: Sent.';
    case 'cancelled': {
      const why = outcome.reason
        ? ` because ${CANCEL_REASONS[outcome.reason] ?? reason(outcome.reason)}`
        : '';
      return `:no_entry_sign: Cancelled${why}: ${what} was not sent.`;
    }
    case 'expired':
      return `:hourglass: Expired: ${what} was not sent. Ask the assistant again if you still want to send it.`;
    case 'failed':
      return `:x: Failed: ${what} was not sent. ${reason(outcome.reason)}`;
    case 'outcome_unknown':
      return `:warning: Outcome unknown for ${what}. ${reason(outcome.reason)}`;
  }
}

export function outcomeMessage(outcome: Outcome, c: DraftContent | undefined): SlackMessage {
  const text = outcomeText(outcome, c);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
