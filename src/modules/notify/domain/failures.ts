import { isAppError } from '../../../shared/errors';
import { connectErrors } from '../../connect/domain/errors';
import { notifyErrors, type NotifyErrorCode } from './errors';
import type { Failure } from './types';

/** Connect's answer for a connection that can no longer be used: notifications stop until the person reconnects. */
export const isConnectionGone = (err: unknown): boolean =>
  connectErrors.is(err) && (err.code === 'not_connected' || err.code === 'connection_invalid');

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

/**
 * What a failure says about itself: notify's code with the reason Google or Slack gave, or another
 * module's message when it is the person's to act on (`user`); any other message stays in the logs.
 */
export function failureOf(err: unknown): Failure {
  if (!isAppError(err)) return {};
  if (!notifyErrors.is(err)) return err.kind === 'user' ? { message: err.message } : {};
  const reason = typeof err.details?.reason === 'string' ? err.details.reason : undefined;
  return { code: err.code, reason, message: err.message };
}
