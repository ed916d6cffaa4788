import { z } from 'zod';
import type { AppError } from '../../shared/errors';
import { sendErrors, type SendErrorCode } from './domain/errors';
import type { StageRequest, StagedDraft } from './domain/stage-draft';
import type { DraftView } from './domain/draft-view';
import { MAX_MAILBOX_INPUT_LENGTH } from './domain/addresses';

/** The tool API's status for each failure (the body is `{ error, message, ...details }`); OpenAPI lists them. */
export const SEND_HTTP_STATUS = {
  invalid_request: 400,
  unknown_field: 400,
  invalid_address: 400,
  too_many_recipients: 400,
  invalid_subject: 400,
  invalid_body: 400,
  body_too_large: 400,
  unknown_trigger: 404,
  ambiguous_trigger: 409,
  trigger_not_human: 403,
  trigger_too_old: 410,
  external_trigger: 403,
  not_connected: 409,
  connection_invalid: 409,
  rate_limited: 429,
  slack_unavailable: 502,
  scope_missing: 409,
  reply_not_found: 404,
  reply_unreadable: 502,
  not_found: 404,
} satisfies Record<SendErrorCode, number>;

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
  body: z.string().describe('Plain-text body.'),
  in_reply_to: inReplyTo,
});

/** get_email_status's argument: the MCP tool's input and the path parameter of its route. */
export const getEmailStatusInput = z.strictObject({
  id: z.string().describe('The id that send_email returned.'),
});

export const stagedEmailAnswer = z.object({
  status: z.literal('pending_confirmation'),
  id: z.uuid(),
  expires_at: z.iso.datetime(),
  confirmation: z
    .enum(['ephemeral', 'direct_message'])
    .describe('Where the person was shown the preview with the Send button.'),
});
type StagedEmailAnswer = z.infer<typeof stagedEmailAnswer>;

/** What get_email_status answers (a DraftView). */
export const emailStatusAnswer = z.object({
  id: z.uuid(),
  status: z.enum([
    'pending_confirmation',
    'sending',
    'sent',
    'cancelled',
    'expired',
    'failed',
    'outcome_unknown',
  ]),
  expires_at: z.iso.datetime(),
  recipient_count: z.int(),
  edited: z.boolean().describe('Whether the person edited the email in Slack before confirming.'),
  sent_at: z.iso.datetime().optional(),
  gmail_message_id: z.string().optional(),
  reason: z.string().optional().describe('Why the email failed or was not sent.'),
  content: z.literal('purged').optional().describe('Set once retention removed the content.'),
});

/** Every refusal's body: the code and message, with details such as the field. */
export const toolErrorAnswer = z.looseObject({
  error: z.string().describe('A stable code, e.g. not_connected.'),
  message: z.string().describe('What went wrong, in words the assistant can relay.'),
});

export const SEND_EMAIL_FIELDS = 'trigger_message_ts, to, cc, bcc, subject, body, in_reply_to and channel_id';

/**
 * A tool call whose arguments do not fit its schema, named the way every transport names it. An unknown
 * field is reported before anything else: it is the likeliest sign of a confused caller.
 */
export function toolInputError(error: z.ZodError, accepted = SEND_EMAIL_FIELDS): AppError {
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const field = issue.keys[0] ?? '';
    return sendErrors.fail('unknown_field', `unknown field "${field}": only ${accepted} are accepted`, {
      details: { field },
    });
  }
  // An empty path is the request body itself (not an object); "body" would name the email's body field.
  // Array items are named as the send checks name them: `to[0]`.
  const field =
    issue?.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') ||
    '(request)';
  return sendErrors.fail('invalid_request', `${field}: ${issue?.message ?? 'is invalid'}`, {
    details: { field },
  });
}

/** A tool's arguments as its schema reads them; throws the refusal the caller is answered with. */
export function parseToolInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  accepted?: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw toolInputError(parsed.error, accepted);
  return parsed.data;
}

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

/** The answer to an accepted send_email call: staged, waiting for the person's click. */
export const stagedAnswer = (staged: StagedDraft): StagedEmailAnswer => ({
  status: 'pending_confirmation',
  id: staged.id,
  expires_at: staged.expiresAt.toISOString(),
  confirmation: staged.previewKind === 'dm' ? 'direct_message' : 'ephemeral',
});

/**
 * A staged email's state. Any string is a valid id to ask about: one that names no email, malformed or not,
 * is `not_found`, and a malformed one is never looked up (drafts are keyed by UUID).
 */
export async function stagedEmail(
  status: (id: string) => Promise<DraftView | undefined>,
  id: string,
): Promise<DraftView> {
  const view = z.uuid().safeParse(id).success ? await status(id) : undefined;
  if (!view) throw sendErrors.fail('not_found', 'no staged email has this id');
  return view;
}
