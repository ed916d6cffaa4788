import { defineErrors } from '../../../shared/errors';

/**
 * Every failure the send module reports. The assistant's tool API answers each with its own status
 * (`SEND_HTTP_STATUS` in tool-status.ts); a click on Send or Cancel fails only for reasons that are not the person's to fix.
 */
export const sendErrors = defineErrors({
  /** The request body does not have the shape of a send_email call. */
  invalid_request: 'user',
  unknown_field: 'user',
  invalid_address: 'user',
  too_many_recipients: 'user',
  invalid_subject: 'user',
  invalid_body: 'user',
  body_too_large: 'user',
  /** Longer than the person can review whole before Send (the full-email modal's limit). */
  body_too_long: 'user',
  unknown_trigger: 'user',
  ambiguous_trigger: 'user',
  trigger_not_human: 'user',
  trigger_too_old: 'user',
  external_trigger: 'user',
  not_connected: 'user',
  connection_invalid: 'user',
  /** The owner's hourly draft quota. */
  rate_limited: 'transient',
  /** The confirmation could not be shown; nothing was staged. */
  slack_unavailable: 'transient',
  /** in_reply_to needs the scope that reads headers (the notification scope), which was not granted. */
  scope_missing: 'user',
  /** in_reply_to names no message in the sender's mailbox. */
  reply_not_found: 'user',
  /** The answered message could not be read from Gmail just now; nothing was staged. */
  reply_unreadable: 'transient',
  /** No staged email has the id asked about. */
  not_found: 'user',
  /** A recipient's domain is in SEND_BLOCKED_DOMAINS. */
  recipient_domain_blocked: 'user',
  /** SEND_ALLOWED_DOMAINS is set and a recipient's domain is not in it. */
  recipient_domain_not_allowed: 'user',
  /** The Idempotency-Key header is not 1 to 255 printable ASCII characters. */
  invalid_idempotency_key: 'user',
  /** The Idempotency-Key was already used, within 24 hours, for a request with another body. */
  idempotency_key_reused: 'user',
});

export type SendErrorCode = (typeof sendErrors.codes)[number];
