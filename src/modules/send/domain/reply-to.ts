import { sendErrors } from './errors';
import type { AccessTokens, AnsweredMessage, Gmail, SenderConnection } from './ports';
import type { ReplyTo } from './types';

export interface ReplyDeps {
  accessTokens: AccessTokens;
  gmail: Pick<Gmail, 'readAnswered'>;
  /** Scopes that let Mailbridge read a message's headers: the notification scope and up. */
  readScopes: readonly string[];
}

/** A msg-id as it may appear in a header: `<…>` of printable ASCII without spaces or angle brackets. */
const MSG_ID = /<[\x21-\x3b\x3d\x3f-\x7e]{1,250}>/g;
/** The References a reply carries: the newest ids of the conversation, enough for every threading client. */
const MAX_REFERENCES = 20;
/** Room for "Re: " within the 998-character subject limit. */
const MAX_LINE = 990;

const msgIds = (value: string | undefined): string[] => value?.match(MSG_ID) ?? [];
/** Whether `value` is exactly one msg-id as this module writes them (no line break can hide in it). */
export const isMsgId = (value: string) => new RegExp(`^${MSG_ID.source}$`).test(value);

/** The subject sent: the staged one, else `Re: ` and the answered email's (never "Re: Re: …"). */
export function replySubject(subject: string, reply: ReplyTo | undefined): string {
  if (subject || !reply) return subject;
  return /^re:/i.test(reply.subject) ? reply.subject : `Re: ${reply.subject}`.trim();
}

/** A subject as Gmail compares it for threading: without its Re:/Fwd: prefixes, case and outer space. */
const baseSubject = (subject: string) =>
  subject
    .replace(/^(\s*(re|fwd?|aw|wg)\s*:)+/i, '')
    .trim()
    .toLowerCase();

/** Whether Gmail keeps the reply in the answered email's thread: only when the subjects match. */
export const staysInThread = (subject: string, reply: ReplyTo) =>
  baseSubject(replySubject(subject, reply)) === baseSubject(reply.subject);

/**
 * Another person's header text as one safe line: runs of spaces, line breaks, controls and bidi
 * overrides become one space, lone surrogates the replacement character. It is cleaned, never
 * refused: nobody here wrote it.
 */
export function safeLine(value: string | undefined): string {
  const line = (value ?? '')
    .replace(/[\s\p{Cc}\u202A-\u202E\u2066-\u2069]+/gu, ' ')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .trim();
  return [...line].slice(0, MAX_LINE).join('');
}

/** What the reply keeps of the answered message; every header value is safe to put in the new one. */
export function replyOf(m: AnsweredMessage): ReplyTo {
  const messageId = msgIds(m.messageId)[0];
  const references = [...new Set([...msgIds(m.references), ...(messageId ? [messageId] : [])])];
  return {
    threadId: m.threadId,
    ...(messageId ? { messageId } : {}),
    references: references.slice(-MAX_REFERENCES),
    from: safeLine(m.from),
    subject: safeLine(m.subject),
  };
}

const scopeMissing = (cause?: unknown) =>
  sendErrors.fail(
    'scope_missing',
    "Replying in an email's thread needs permission to read email headers, which the person has not granted; they can grant it in Slack with /ai-email-notifications on. Nothing was staged.",
    { cause },
  );

/**
 * The email `gmailMessageId` names in the sender's mailbox, read for a reply. Reading headers needs
 * the notification scope; without it nothing is read and the person is told how to grant it.
 */
export function createReplyLookup(deps: ReplyDeps) {
  return async function replyTo(connection: SenderConnection, gmailMessageId: string): Promise<ReplyTo> {
    if (!connection.scopes.some((s) => deps.readScopes.includes(s))) throw scopeMissing();
    const unreadable = (cause?: unknown) =>
      sendErrors.fail(
        'reply_unreadable',
        'The email being answered could not be read from Gmail just now; nothing was staged. Try again shortly.',
        { cause },
      );
    const token = await deps.accessTokens.forConnection(connection.id);
    if ('failure' in token) throw unreadable();
    const got = await deps.gmail.readAnswered(token.accessToken, gmailMessageId);
    // The stored grant can be wrong about what Google honours: its refusal of the scope is the same refusal.
    if (!got.ok && got.failure.scopeMissing) throw scopeMissing(got.failure);
    if (!got.ok) throw unreadable(got.failure);
    if (!got.value) {
      throw sendErrors.fail(
        'reply_not_found',
        "in_reply_to: the person's Gmail has no email with this id; use the gmail_message_id of a new-mail event or notification. Nothing was staged.",
        { details: { field: 'in_reply_to' } },
      );
    }
    return replyOf(got.value);
  };
}

export type ReplyLookup = ReturnType<typeof createReplyLookup>;
