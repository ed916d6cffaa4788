import { isAppError } from '../../../shared/errors';
import { connectionErrors, notifyErrors, type NotifyErrorCode } from './errors';

/** A connection that can no longer be used: notifications stop until the user reconnects. */
export const isConnectionGone = (err: unknown): boolean => connectionErrors.is(err);

/** A failure of notify's own with this code. */
export const isNotifyError = (err: unknown, code: NotifyErrorCode): boolean =>
  notifyErrors.is(err) && err.code === code;

/** A post of a stopped sync may still land: the sync waits (see reconcile), it did not fail. */
export const isPostInFlight = (err: unknown): boolean => isNotifyError(err, 'notify_post_in_flight');

/** Whether a retry may succeed where this failure did (anything unknown is retried). */
export const isTransient = (err: unknown): boolean => !isAppError(err) || err.retryable;

/**
 * The announcement was certainly not sent to Slack (the DM could not be opened, the post was not
 * started in time, Slack rate-limited it, which it does before doing any work, or refused it with a
 * definite `ok:false` answer): its intent can be released at once instead of waiting out the
 * in-flight window.
 */
export const wasNotSent = (err: unknown): boolean => isAppError(err) && err.details?.notSent === true;

/** Retry-After carried by a Gmail or Slack failure, in milliseconds. */
export function retryAfterMs(err: unknown): number | undefined {
  const value = isAppError(err) ? err.details?.retryAfterMs : undefined;
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/** A sentence for /ai-email-status explaining why notifications are not flowing. */
export function describeFailure(err: unknown): string {
  if (!notifyErrors.is(err))
    return isAppError(err)
      ? err.message
      : 'an internal error stopped the last check; it is retried with the next new mail';
  const reason = typeof err.details?.reason === 'string' ? err.details.reason : undefined;
  switch (err.code) {
    case 'gmail_forbidden':
      return reason === 'insufficientPermissions'
        ? 'Gmail no longer grants permission to read new-mail headers; run `/ai-email-notifications on` to grant it again'
        : `Gmail refused access (${reason ?? '403'})`;
    case 'gmail_bad_request':
      return `Gmail rejected the request (${reason ?? '400'})`;
    case 'gmail_rate_limited':
    case 'gmail_server':
    case 'gmail_timeout':
    case 'gmail_network':
    case 'gmail_unauthorized':
      return 'Gmail could not be reached after several tries; the next new mail triggers another attempt';
    case 'slack_refused':
      return `Slack refused the direct message (${reason ?? 'error'})`;
    case 'slack_rate_limited':
    case 'slack_unavailable':
      return 'Slack could not be reached after several tries; the next new mail triggers another attempt';
    default:
      return err.message;
  }
}
