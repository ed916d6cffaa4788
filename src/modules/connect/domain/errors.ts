import { defineErrors } from '../../../shared/errors';

/** Every failure connect names, with its kind; the transports map these codes, never the messages. */
export const connectErrors = defineErrors({
  // Pairing: the link and code shown in Slack.
  rate_limited: 'user',
  pairing_unknown: 'user',
  pairing_used: 'user',
  pairing_burnt: 'user',
  pairing_expired: 'user',
  code_wrong: 'user',
  // Sign in with Slack: a signed-in Slack person other than the pairing's own burns the pairing.
  pairing_not_theirs: 'user',
  pairing_refused: 'user',
  sign_in_required: 'user',
  slack_sign_in_failed: 'user',
  /** Slack did not accept the code the browser brought back (`invalid_code`: forged, used or late). */
  slack_code_invalid: 'user',
  slack_id_token_invalid: 'user',
  /** Slack refused our client (id, secret, redirect URI) or answered outside its protocol: the operator's to fix. */
  slack_misconfigured: 'internal',
  /** Slack's token or keys endpoint could not be reached, timed out or said it is failing. */
  slack_unreachable: 'transient',
  // The start page's form.
  form_invalid: 'user',
  form_foreign: 'user',
  // Google's redirect and what it granted.
  state_invalid: 'user',
  state_expired: 'user',
  state_used: 'user',
  browser_mismatch: 'user',
  consent_denied: 'user',
  google_error: 'user',
  code_missing: 'user',
  exchange_failed: 'user',
  id_token_missing: 'user',
  id_token_invalid: 'user',
  email_unverified: 'user',
  refresh_token_missing: 'user',
  scope_missing_send: 'user',
  scope_missing_notify: 'user',
  account_mismatch: 'user',
  /** The Google account is connected to another Slack person of the workspace (ALLOW_SHARED_MAILBOXES off). */
  mailbox_taken: 'user',
  // Access tokens.
  not_connected: 'user',
  connection_invalid: 'user',
  unknown_key_version: 'internal',
  sealed_data_tampered: 'internal',
  sealed_data_corrupt: 'internal',
  // Revocation at Google.
  revocation_failed: 'transient',
  // Google's OAuth endpoints (modules/connect/google-oauth.ts).
  invalid_grant: 'internal',
  google_bad_response: 'internal',
  google_unauthorized: 'internal',
  google_forbidden: 'internal',
  google_not_found: 'internal',
  google_bad_request: 'internal',
  google_rate_limited: 'transient',
  google_server: 'transient',
  google_timeout: 'transient',
  google_network: 'transient',
});

export type ConnectErrorCode = (typeof connectErrors.codes)[number];
