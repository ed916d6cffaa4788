import type { types } from '@slack/bolt';
import type { KnownBlock } from '../../shared/slack-messenger';
import { codeMrkdwn, escapeMrkdwn, sectionsOf } from '../../shared/mrkdwn';
import { bodyParts } from './domain/body-view';
import { replySubject } from './domain/reply-to';
import type { DraftContent, Mailbox } from './domain/types';
import type { RecipientMarks } from './domain/recipient-marks';

/** The preview's "View full email" button, and the full-email modal's submission. */
export const VIEW_ACTION_ID = 'send_email_view_full';
export const REVIEW_CALLBACK_ID = 'send_email_review';

export type { RecipientMarks };

export const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });

/** The body exactly, in plain-text sections (no Slack formatting applies); concatenated, they are the body. */
export function bodySections(body: string): KnownBlock[] {
  if (!body) return [{ type: 'section', text: plain('(empty body)') }];
  // Slack refuses a text of only blanks: a part that is nothing but spaces and line breaks says so instead.
  const shown = (part: string) => (part.trim() ? part : `(${part.length} blank characters)`);
  return bodyParts(body).map((part) => ({ type: 'section', text: plain(shown(part)) }));
}

/** `external`, `new` after an address, in words; nothing for a known address of the workspace. */
export function marksOf(address: string, marks: RecipientMarks | undefined): string {
  if (!marks) return '';
  const key = address.toLowerCase();
  const words = [...(marks.external.has(key) ? ['external'] : []), ...(marks.fresh.has(key) ? ['new'] : [])];
  return words.length ? ` _${words.join(', ')}_` : '';
}

/**
 * The address the email really goes to comes first, exactly; the display name (sent in the header,
 * so shown whole: at most 200 characters) is only a hint.
 */
export const mailboxMrkdwn = (m: Mailbox, marks?: RecipientMarks) =>
  (m.name ? `${codeMrkdwn(m.address)} (${escapeMrkdwn(m.name)})` : codeMrkdwn(m.address)) +
  marksOf(m.address, marks);

/** Every recipient, one a line under its label: the modal lists all of them, never "and N more". */
function recipientLines(c: DraftContent, marks: RecipientMarks | undefined): string[] {
  const field = (label: string, items: Mailbox[]) =>
    items.length ? [`*${label}:*`, ...items.map((m) => `• ${mailboxMrkdwn(m, marks)}`)] : [];
  return [...field('To', c.to), ...field('Cc', c.cc), ...field('Bcc', c.bcc)];
}

/**
 * The whole email for review before Send: sender, every recipient, the subject, and the body whole.
 * Its Send (the modal's submit) carries `state`, the signed value naming the draft and the version shown.
 */
export function reviewModal(c: DraftContent, state: string, marks?: RecipientMarks): types.ModalView {
  const subject = replySubject(c.subject, c.reply);
  const blocks: KnownBlock[] = [
    ...sectionsOf([
      '*Read the whole email.* Nothing is sent until you click *Send* below.',
      `*From:* ${codeMrkdwn(c.from)}`,
    ]),
    ...sectionsOf(recipientLines(c, marks)),
    { type: 'section', text: { type: 'mrkdwn', text: '*Subject:*' } },
    { type: 'section', text: plain(subject ? subject.slice(0, 2900) : '(no subject)') },
    { type: 'divider' },
    ...bodySections(c.body),
  ];
  return {
    type: 'modal',
    callback_id: REVIEW_CALLBACK_ID,
    private_metadata: state,
    title: plain('Review email'),
    submit: plain('Send'),
    close: plain('Close'),
    blocks,
  };
}

/** The modal after a Send it refused (already sent, expired, changed, a limit): why, and Close. */
export const reviewRefusalView = (text: string) => noticeModal(REVIEW_CALLBACK_ID, 'Review email', text);

/** A modal that only says something (mrkdwn `text`), with Close. */
export function noticeModal(callbackId: string, title: string, text: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title),
    close: plain('Close'),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

/** The preview's button that opens the modal (instead of Send, for a body the preview cannot show whole). */
export const viewFullButton = (value: string) => ({
  type: 'button' as const,
  action_id: VIEW_ACTION_ID,
  text: { type: 'plain_text' as const, text: 'View full email' },
  style: 'primary' as const,
  value,
});
