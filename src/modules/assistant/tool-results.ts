import type { Logger } from 'pino';
import { isAppError, type AppError } from '../../shared/errors';
import type { SendErrorCode } from '../send/domain/errors';

/** An MCP tool result: text for the model, the same data as JSON for programs. */
export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent: Record<string, unknown>;
  isError?: boolean;
}

/**
 * The one table of refusals: each code and message is the HTTP API's own (its body is the structured
 * content); the row adds what the model should do next.
 */
export const TOOL_REFUSALS = {
  invalid_request: 'Correct the named argument and call again.',
  unknown_field: 'Call again with only the documented arguments.',
  invalid_address: 'Ask the person for the correct address.',
  too_many_recipients: 'Use at most 50 recipients in to, cc and bcc together.',
  invalid_subject: 'Correct the subject and call again.',
  invalid_body: 'Correct the body and call again.',
  body_too_large: 'Shorten the body and call again.',
  body_too_long: 'Shorten the body to the number of characters the message states and call again.',
  unknown_trigger: 'Use the ts of the Slack message in which the person asked for this.',
  ambiguous_trigger: 'Call again with channel_id.',
  trigger_not_human: 'Only a message written by a person can start an email.',
  trigger_too_old: 'Ask the person to ask again, and use the ts of their new message.',
  external_trigger: 'Tell the person this cannot be done for them from this workspace.',
  not_connected: 'Suggest that the person run /ai-email-connect in Slack, then try again.',
  connection_invalid: 'Suggest that the person run /ai-email-connect in Slack to reconnect, then try again.',
  rate_limited: 'Wait retry_after_seconds, then try again.',
  slack_unavailable: 'Try again in a minute.',
  scope_missing: 'Ask the person to run /ai-email-notifications on in Slack, or send without in_reply_to.',
  reply_not_found: 'Use the gmail_message_id of a new-mail event or notification for this person.',
  reply_unreadable: 'Try again in a minute.',
  not_found: 'Use the id that send_email returned.',
  recipient_domain_blocked:
    'Tell the person this workspace does not send email to that domain; drop or replace that recipient.',
  recipient_domain_not_allowed:
    'Tell the person this workspace only sends email to the domains the message names; drop or replace that recipient.',
  invalid_idempotency_key: 'Send an Idempotency-Key of 1 to 255 printable ASCII characters, or none.',
  idempotency_key_reused: 'Use a new Idempotency-Key for a different email.',
} satisfies Record<SendErrorCode, string>;

const nextStepOf = (err: AppError) =>
  (TOOL_REFUSALS as Record<string, string>)[err.code] ??
  (err.kind === 'transient' ? 'Try again later.' : undefined);

export function success(text: string, data: Record<string, unknown>): ToolResult {
  return { content: [{ type: 'text', text }], structuredContent: data };
}

/**
 * A failure as the model sees it, with the code and message the HTTP API answers. A failure outside the
 * table is logged; one that is not even an AppError says nothing of its cause, as the HTTP API's 500 does.
 */
export function refusal(err: unknown, log: Pick<Logger, 'error'>): ToolResult {
  if (!isAppError(err) || !Object.hasOwn(TOOL_REFUSALS, err.code)) log.error({ err }, 'tool call failed');
  if (!isAppError(err)) return refused({ error: 'internal_error', message: 'internal error' }, undefined);
  return refused({ error: err.code, message: err.message, ...err.details }, nextStepOf(err));
}

function refused(body: { error: string; message: string }, next: string | undefined): ToolResult {
  const text = `Refused (${body.error}): ${body.message}${next ? ` ${next}` : ''}`;
  return { content: [{ type: 'text', text }], structuredContent: body, isError: true };
}
