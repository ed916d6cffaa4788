import { webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * A WebClient of its own for new-mail announcements and reading them back. The main client retries
 * timeouts, resets and 5xx answers itself, so a post Slack stored but answered late would be posted
 * again inside one call, where no intent can see it; and its 429 handling pauses its whole queue.
 * This one sends each request once (a 429 is rejected with its Retry-After at once): the sync job's
 * retry, which reconciles with the DM first, is the only place a post is tried again. Every request
 * therefore ends, one way or the other, within `timeoutMs` of being sent.
 */
export function createAnnounceClient(p: {
  token: string;
  apiUrl: string;
  timeoutMs: number;
  log: Logger;
}): webApi.WebClient {
  return createSingleShotClient(p);
}

/**
 * A WebClient that sends each request once: no retries of its own, a 429 rejected at once with its
 * Retry-After, so it never pauses a queue and every request ends within `timeoutMs`.
 */
export function createSingleShotClient(p: {
  token: string;
  apiUrl: string;
  timeoutMs: number;
  log: Logger;
  maxRequestConcurrency?: number;
}): webApi.WebClient {
  const warn = (...msg: unknown[]) => p.log.warn(msg.map(String).join(' '));
  const logger: BoltLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn,
    error: warn,
    setLevel: () => undefined,
    getLevel: () => 'warn' as never,
    setName: () => undefined,
  };
  return new webApi.WebClient(p.token, {
    slackApiUrl: p.apiUrl,
    logger,
    timeout: p.timeoutMs,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    ...(p.maxRequestConcurrency ? { maxRequestConcurrency: p.maxRequestConcurrency } : {}),
  });
}
