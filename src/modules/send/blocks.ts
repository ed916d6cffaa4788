import type { KnownBlock, SlackMessage } from '../../shared/slack-messenger';
import type { ClickNotice, ClickReply } from './domain/confirm-click';
import { tryOpen } from './domain/decisions';
import { replySubject, staysInThread } from './domain/reply-to';
import type { Draft, DraftContent, DraftStatus, Mailbox, Outcome } from './domain/types';
import { codeMrkdwn, escapeMrkdwn, listWithin, sectionsOf } from '../../shared/mrkdwn';
import { editButtons } from './edit-blocks';

export const SEND_ACTION_ID = 'send_email_send';
export const CANCEL_ACTION_ID = 'send_email_cancel';

/**
 * Budgets that keep every text object within Slack's 3000 characters and every `text` within
 * 4000 whatever the assistant sent (50 recipients of 254 characters, a 998-character subject):
 * lists end in "and N more", the subject is shortened in Slack only (the email keeps all of it).
 */
const BODY_PREVIEW_CHARS = 2800;
const FIELD_CHARS = 2400;
const NAME_CHARS = 80;
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

function bodyPreview(body: string): string {
  if (body.length <= BODY_PREVIEW_CHARS) return body || '(empty body)';
  return `${body.slice(0, BODY_PREVIEW_CHARS)}\n… (${body.length - BODY_PREVIEW_CHARS} more characters)`;
}

/** The address the email really goes to comes first, exactly; the display name is only a hint. */
const mailboxMrkdwn = (m: Mailbox) =>
  m.name ? `${codeMrkdwn(m.address)} (${escapeMrkdwn(m.name, NAME_CHARS)})` : codeMrkdwn(m.address);

function headerLines(c: DraftContent): string[] {
  const list = (label: string, items: Mailbox[]) =>
    items.length ? [`*${label}:* ${listWithin(items.map(mailboxMrkdwn), FIELD_CHARS)}`] : [];
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
    ...sectionsOf(headerLines(c)),
    // plain_text: the body is shown exactly as it will be sent, with no Slack formatting applied.
    { type: 'section', text: { type: 'plain_text', text: bodyPreview(c.body), emoji: false } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `This confirmation expires at ${expiryText}.` }] },
    {
      type: 'actions',
      block_id: 'send_email_confirm',
      elements: [
        {
          type: 'button',
          action_id: SEND_ACTION_ID,
          text: { type: 'plain_text', text: 'Send' },
          style: 'primary',
          value: p.sendValue,
        },
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

const STATUS_NOTICES: Record<DraftStatus, string> = {
  pending: 'This email is waiting for your confirmation.',
  sending: 'This email is already being sent.',
  attempting: 'This email is already being sent.',
  sent: 'This email was already sent.',
  cancelled: 'This email was cancelled; nothing was sent.',
  expired: 'This email expired; nothing was sent.',
  failed: 'This email could not be sent.',
  outcome_unknown: 'It is not known whether this email was sent; check your Sent folder.',
};

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

/** A reply to the clicker only; the preview itself stays as it is. */
export function noticeText(n: ClickNotice, limits: { hourly: number; daily: number }): string {
  switch (n.reason) {
    case 'invalid':
      return 'This button is not valid (it may have been tampered with). Nothing was sent.';
    case 'missing':
      return 'This email no longer exists. Nothing was sent.';
    case 'not_owner':
      return `Only <@${n.ownerId}> can send or cancel this email.`;
    case 'already':
      return STATUS_NOTICES[n.status];
    case 'stale':
      return 'This email was changed after you saw it; nothing was sent. Review the new version and click Send there.';
    case 'rate_limited':
      if (n.scope === 'global_hour') {
        return `Mailbridge reached its hourly sending limit for this workspace. Nothing was sent; click Send again in about ${minutes(n.retryAfterMs)} minutes.`;
      }
      return `You reached your limit of ${n.scope === 'user_day' ? `${limits.daily} emails per day` : `${limits.hourly} emails per hour`}. Nothing was sent; click Send again in about ${minutes(n.retryAfterMs)} minutes.`;
  }
}

/** A click's reply in words: the outcome that replaces the preview, or a notice to the clicker only. */
export const clickReplyMessage =
  (openContent: (draft: Draft) => DraftContent, limits: { hourly: number; daily: number }) =>
  (reply: ClickReply): SlackMessage & { replace: boolean } =>
    reply.kind === 'replace'
      ? { ...outcomeMessage(reply.outcome, tryOpen(openContent, reply.draft)), replace: true }
      : { text: noticeText(reply.notice, limits), replace: false };
