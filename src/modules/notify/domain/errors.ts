import { defineErrors } from '../../../shared/errors';

/**
 * Notify's failures. Gmail's carry the kind of Google failure (`gmail_<kind>`): transient ones, and a
 * rejected access token (the retry refreshes it), are retried; a refusal is final. Slack's: a rate
 * limit or an outage is retried, a refusal (channel gone, user deactivated...) is not.
 */
export const notifyErrors = defineErrors({
  gmail_invalid_grant: 'user',
  gmail_unauthorized: 'transient',
  gmail_forbidden: 'user',
  gmail_rate_limited: 'transient',
  gmail_not_found: 'internal',
  gmail_bad_request: 'internal',
  gmail_server: 'transient',
  gmail_timeout: 'transient',
  gmail_network: 'transient',
  gmail_bad_response: 'transient',
  slack_rate_limited: 'transient',
  slack_unavailable: 'transient',
  slack_refused: 'internal',
  /** Not a failure: a post may still land in Slack, so the job waits (see reconcile). */
  notify_post_in_flight: 'transient',
});

export type NotifyErrorCode = (typeof notifyErrors.codes)[number];
