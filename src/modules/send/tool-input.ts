import type { z } from 'zod';
import type { AppError } from '../../shared/errors';
import { sendErrors } from './domain/errors';

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
