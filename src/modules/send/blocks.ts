import type { KnownBlock, SlackMessage } from '../../shared/slack-messenger';
import { replySubject, staysInThread } from './domain/reply-to';
import type { DraftContent, Mailbox, Outcome } from './domain/types';
import { codeMrkdwn, escapeMrkdwn, listWithin, sectionsOf } from '../../shared/mrkdwn';
import { editButtons } from './edit-blocks';
import { bodyParts, fitsPreview, previewShowsAll, previewedEmail } from './domain/body-view';
import { bodySections, mailboxMrkdwn, plain, viewFullButton, type RecipientMarks } from './review-blocks';

export const SEND_ACTION_ID = 'send_email_send';
export const CANCEL_ACTION_ID = 'send_email_cancel';

/**
 * Budgets that keep every text object within Slack's 3000 characters and every `text` within
 * 4000 whatever the assistant sent (50 recipients of 254 characters with 200-character names, a
 * 998-character subject). The preview's blocks list every recipient exactly, over as many lines as
 * it takes, and the whole subject; only the notification `text` and outcomes say "and N more".
 */
/** The beginning of a body only the modal shows whole. */
const BODY_START_CHARS = 1500;
const FIELD_CHARS = 2400;
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

/** `*To:* a, b, …` over as many lines as it takes: every recipient, exactly, never "and N more". */
function recipientLines(label: string, items: Mailbox[], marks?: RecipientMarks): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items.map((m) => mailboxMrkdwn(m, marks))) {
    if (line && line.length + 2 + item.length > FIELD_CHARS) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line}, ${item}` : item;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => `*${label}${i ? ', continued' : ''}:* ${l}`);
}

function headerLines(c: DraftContent, marks?: RecipientMarks): string[] {
  return [
    `*From:* ${codeMrkdwn(c.from)}`,
    ...recipientLines('To', c.to, marks),
    ...recipientLines('Cc', c.cc, marks),
    ...recipientLines('Bcc', c.bcc, marks),
  ];
}

/** The subject sent, whole, as plain text (exactly as it will be sent; no Slack formatting applies). */
function subjectBlocks(c: DraftContent): KnownBlock[] {
  const subject = sentSubject(c);
  const label = { type: 'section' as const, text: { type: 'mrkdwn' as const, text: '*Subject:*' } };
  if (!subject) return [{ type: 'section', text: { type: 'mrkdwn', text: '*Subject:* _(none)_' } }];
  return [label, { type: 'section', text: plain(subject) }];
}

function replyLines(c: DraftContent): string[] {
  return [
    ...(c.reply
      ? [`*In reply to:* ${escapeMrkdwn(c.reply.from, FIELD_CHARS)}: ${quoteSubject(c.reply.subject)}`]
      : []),
    ...(c.reply && !staysInThread(c.subject, c.reply)
      ? ['_Its subject differs from the email it answers, so Gmail will show it in a new conversation._']
      : []),
  ];
}

export function previewMessage(p: {
  content: DraftContent;
  expiresAt: Date;
  sendValue: string;
  cancelValue: string;
  /** The owner's Edit button (opens the Edit modal); signed like Send, naming the version shown. */
  editValue?: string;
  /** The "View full email" button; shown instead of Send when the preview cannot show all of the email. */
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
    ...subjectBlocks(c),
    ...sectionsOf(replyLines(c)),
    ...bodyBlocks(c.body),
    { type: 'context', elements: [{ type: 'mrkdwn', text: `This confirmation expires at ${expiryText}.` }] },
    {
      type: 'actions',
      block_id: 'send_email_confirm',
      elements: [
        previewShowsAll(previewedEmail(c))
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
