import { webApi } from '@slack/bolt';
import type { AppError } from '../../shared/errors';
import type { Metrics } from '../../platform/metrics';
import { notifyErrors, type NotifyErrorCode } from './domain/errors';

const TRANSIENT_PLATFORM_ERRORS = [
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
];

interface SlackErrorLike {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
}

/**
 * Slack Web API failures as notify's errors for the jobs: rate limits carry Retry-After, outages
 * retry with backoff, and refusals (channel gone, user deactivated...) are not retried.
 */
export function slackError(err: unknown): AppError<NotifyErrorCode> {
  const e = (err ?? {}) as SlackErrorLike;
  if (e.code === webApi.ErrorCode.RateLimitedError) {
    return notifyErrors.fail('slack_rate_limited', 'Slack rate limited the post', {
      details: { retryAfterMs: (e.retryAfter ?? 1) * 1000 },
      cause: err,
    });
  }
  if (e.code === webApi.ErrorCode.PlatformError) {
    const reason = e.data?.error ?? 'unknown';
    return notifyErrors.fail(
      TRANSIENT_PLATFORM_ERRORS.includes(reason) ? 'slack_unavailable' : 'slack_refused',
      `Slack: ${reason}`,
      { details: { reason }, cause: err },
    );
  }
  const status = e.statusCode;
  const refused = status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
  return notifyErrors.fail(
    refused ? 'slack_refused' : 'slack_unavailable',
    `Slack request failed${status ? ` (${status})` : ''}`,
    { details: { reason: status ? `http_${status}` : 'network' }, cause: err },
  );
}

/** Runs one Slack call; its failure is counted and thrown as notify's error. */
export type SlackCall = <T>(call: () => Promise<T>) => Promise<T>;

export function createSlackCall(metrics: Pick<Metrics, 'apiErrors'>): SlackCall {
  return async (call) => {
    try {
      return await call();
    } catch (err) {
      const mapped = slackError(err);
      metrics.apiErrors.inc({ service: 'slack', kind: mapped.code });
      throw mapped;
    }
  };
}
