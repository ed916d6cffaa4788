import { AppError } from '../../shared/errors';

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
 * Slack Web API failures as AppErrors for the notify jobs: rate limits carry Retry-After, outages
 * retry with backoff, and refusals (channel gone, user deactivated...) are not retried.
 */
export function slackError(err: unknown): AppError {
  const e = (err ?? {}) as SlackErrorLike;
  if (e.code === 'slack_webapi_rate_limited_error') {
    return new AppError('slack_rate_limited', 'Slack rate limited the post', {
      retryable: true,
      details: { retryAfterMs: (e.retryAfter ?? 1) * 1000 },
      cause: err,
    });
  }
  if (e.code === 'slack_webapi_platform_error') {
    const reason = e.data?.error ?? 'unknown';
    return new AppError(
      TRANSIENT_PLATFORM_ERRORS.includes(reason) ? 'slack_unavailable' : 'slack_refused',
      `Slack: ${reason}`,
      {
        retryable: TRANSIENT_PLATFORM_ERRORS.includes(reason),
        details: { reason },
        cause: err,
      },
    );
  }
  const status = e.statusCode;
  const refused = status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
  return new AppError(
    refused ? 'slack_refused' : 'slack_unavailable',
    `Slack request failed${status ? ` (${status})` : ''}`,
    {
      retryable: !refused,
      details: { reason: status ? `http_${status}` : 'network' },
      cause: err,
    },
  );
}
