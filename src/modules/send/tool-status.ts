import type { SendErrorCode } from './domain/errors';

/** The tool API's status for each failure (the body is `{ error, message, ...details }`); OpenAPI lists them. */
export const SEND_HTTP_STATUS = {
  invalid_request: 400,
  unknown_field: 400,
  invalid_address: 400,
  too_many_recipients: 400,
  invalid_subject: 400,
  invalid_body: 400,
  body_too_large: 400,
  body_too_long: 400,
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
