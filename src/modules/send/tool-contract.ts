import { z } from 'zod';
import type { StageRequest } from './domain/stage-draft';
import { MAX_MAILBOX_INPUT_LENGTH } from './domain/addresses';
import { BODY_DESCRIPTION } from './domain/body-view';
import { parseToolInput } from './tool-input';

// The tool API's contract, one concern a file: the status table, input parsing, answers; the tools' fields here.
export { SEND_HTTP_STATUS } from './tool-status';
export { SEND_EMAIL_FIELDS, parseToolInput, toolInputError } from './tool-input';
export {
  emailStatusAnswer,
  stagedAnswer,
  stagedEmail,
  stagedEmailAnswer,
  toolErrorAnswer,
} from './tool-answers';

/** Capped before any parsing looks at it: address parsing never sees a long string. */
const addressString = z
  .string()
  .max(
    MAX_MAILBOX_INPUT_LENGTH,
    `must be at most ${MAX_MAILBOX_INPUT_LENGTH} characters: one address, optionally with a display name`,
  );

/** A single string is accepted as a one-element list (SPEC 6.4.1). */
const addressList = z
  .union([addressString, z.array(addressString).max(1000)])
  .transform((v) => (typeof v === 'string' ? [v] : v));

const recipients = (which: string) =>
  addressList.describe(
    `${which}: email addresses, each optionally with a display name ("Ana Lima <ana@example.com>"); 50 recipients at most in to, cc and bcc together.`,
  );

/** The Slack message that asked for the email; its author is the only possible sender. */
export const triggerMessageTs = z
  .string()
  .regex(/^\d{6,12}\.\d{1,8}$/, 'must be the ts of a Slack message, e.g. 1712345678.123456')
  .describe(
    'The ts of the Slack message in which the person asked for this, e.g. "1712345678.123456". Its author is the only possible sender; it must be a person and at most 24 hours old.',
  );

/** Context only: narrows the trigger lookup when a ts is seen in several channels. */
export const channelId = z
  .string()
  .regex(/^[A-Z0-9]{2,40}$/, 'must be a Slack channel id, e.g. C0123ABCD')
  .optional()
  .describe('The Slack channel id of that message, e.g. "C0123ABCD"; needed only when the ts is ambiguous.');

/** Gmail message ids are lowercase hex; anything else is refused before Gmail is asked. */
export const inReplyTo = z
  .string()
  .regex(/^[0-9a-f]{8,40}$/, 'must be a Gmail message id (lowercase hex), e.g. 18c5d2e9f0a1b2c3')
  .optional()
  .describe(
    'To reply in the thread of an email the person received: its Gmail message id (gmail_message_id of a new-mail event or notification). The reply gets In-Reply-To, References and "Re: <its subject>" when subject is empty; it stays in that thread only with that subject (leave subject empty, or write "Re: <their subject>"): Gmail starts a new thread for another subject. Needs the person\'s notification permission (/ai-email-notifications on).',
  );

/** Exactly these fields: no from, on_behalf_of, headers or anything else. */
export const sendEmailBody = z.strictObject({
  trigger_message_ts: triggerMessageTs,
  channel_id: channelId,
  to: recipients('To'),
  cc: recipients('Cc').optional(),
  bcc: recipients('Bcc').optional(),
  subject: z.string().describe('Plain-text subject, one line.'),
  body: z.string().describe(BODY_DESCRIPTION),
  in_reply_to: inReplyTo,
});

/** The POST route's optional Idempotency-Key header, as OpenAPI documents it (tool-memory.ts checks it). */
export const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    "Optional; 1 to 255 printable ASCII characters (400 invalid_idempotency_key otherwise). A retry with the same key and the same JSON body (key order and spacing aside) within 24 hours gets the first answer again, status and body, with the header Idempotent-Replayed: true, and stages nothing new; parallel requests with one key stage one email. The same key with another body is a 409 idempotency_key_reused. Besides 202, only refusals the body alone decides are kept (invalid_*, unknown_field, too_many_recipients, body_too_large, body_too_long, recipient_domain_*, trigger_not_human, trigger_too_old); refusals that depend on the person's or Slack's state (not_connected, connection_invalid, scope_missing, unknown_trigger, ambiguous_trigger, external_trigger, reply_not_found), 429 and 5xx are not: retry them with the same key once the cause is fixed. Without a key, a request identical to one whose email is still pending (same trigger_message_ts and channel, an absent channel_id counting as the channel of the one message with that ts; same recipients, subject, body and in_reply_to) gets that email again.",
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
} as const;

/** get_email_status's argument: the MCP tool's input and the path parameter of its route. */
export const getEmailStatusInput = z.strictObject({
  id: z.string().describe('The id that send_email returned.'),
});

/** A send_email call as the stage use case takes it. */
export function parseSendEmail(input: unknown): StageRequest {
  const b = parseToolInput(sendEmailBody, input);
  return {
    triggerTs: b.trigger_message_ts,
    channelId: b.channel_id,
    to: b.to,
    cc: b.cc ?? [],
    bcc: b.bcc ?? [],
    subject: b.subject,
    body: b.body,
    inReplyTo: b.in_reply_to,
  };
}
