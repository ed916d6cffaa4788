import type { Config } from '../../config';
import { READ_SCOPES, SEARCH_SCOPES } from '../../shared/google-scopes';
import type { SendSettings } from './domain/send-deps';
import type { SendUseCaseSettings } from './domain/send-use-cases';
import type { SendLimitSettings } from './send-limits';

/** Retries of a send the use case decides on itself (Gmail 429/401, token endpoint down). */
const MAX_SEND_ATTEMPTS = 5;

/** What the send module reads of the configuration, in the terms its parts take. */
export function sendSettings(config: Config) {
  // An attempt's Gmail call gives up after HTTP_TIMEOUT_MS; twice that (plus the token refresh)
  // is a safe bound after which nobody can still be waiting for its answer.
  const inFlightMs = config.HTTP_TIMEOUT_MS * 2 + 1_000;
  const send: SendSettings = {
    inFlightMs,
    reconcileWindowMs: Math.max(inFlightMs, config.SEND_RETRY_BASE_MS * 30),
    retryBaseMs: config.SEND_RETRY_BASE_MS,
    maxAttempts: MAX_SEND_ATTEMPTS,
    searchScopes: SEARCH_SCOPES,
    listScopes: READ_SCOPES,
  };
  const limits: SendLimitSettings = {
    keyPrefix: config.REDIS_KEY_PREFIX,
    draftsPerHour: config.GMAIL_DRAFTS_USER_HOURLY_LIMIT,
    sendsPerHour: config.GMAIL_SEND_USER_HOURLY_LIMIT,
    sendsPerDay: config.GMAIL_SEND_USER_DAILY_LIMIT,
    globalPerHour: config.GMAIL_SEND_GLOBAL_HOURLY_LIMIT,
  };
  return {
    useCases: {
      signingKey: config.GMAIL_OAUTH_STATE_SIGNING_KEY,
      ttlMs: config.GMAIL_DRAFT_TTL_SECONDS * 1000,
      allowExternalAuthors: config.ALLOW_SLACK_CONNECT_TRIGGERS,
      recipientPolicy: {
        allowedDomains: config.SEND_ALLOWED_DOMAINS,
        blockedDomains: config.SEND_BLOCKED_DOMAINS,
      },
      inFlightMs,
      send,
    } satisfies SendUseCaseSettings,
    limits,
    /** The per-person send limits as a refusal names them. */
    limitsText: { hourly: config.GMAIL_SEND_USER_HOURLY_LIMIT, daily: config.GMAIL_SEND_USER_DAILY_LIMIT },
    preview: { signingKey: config.GMAIL_OAUTH_STATE_SIGNING_KEY, timeoutMs: config.HTTP_TIMEOUT_MS },
  };
}
