import type { Redis } from 'ioredis';
import { createQuotaPacer } from '../../shared/quota-pacer';
import { createRateGate } from '../../shared/rate-gate';
import type { GmailPort } from './domain/ports';

/** Gmail's quota units per call (developers.google.com/gmail/api/reference/quota). */
export const QUOTA_UNITS = { historyList: 2, messagesGet: 5 } as const;
/**
 * Watch calls start in slots spaced (1000 ms + this margin) / GMAIL_WATCH_RATE_PER_SECOND apart, so a
 * call reaching Google up to the margin later than its slot (and its neighbours) still counts within
 * the rate there; at 100/s, 10.5 ms apart.
 */
const WATCH_WINDOW_MS = 1_000;
const WATCH_MARGIN_MS = 50;
/** An account's reads may burst by one messages.get: any second holds at most the rate plus 5 units. */
const USER_BURST_UNITS = QUOTA_UNITS.messagesGet;

/**
 * Paces notify's Gmail calls, across every machine (Redis): `users.watch` for the whole deployment at
 * `watchPerSecond`, and each account's history and message reads at `userUnitsPerSecond` quota
 * units (any second holds at most that plus one messages.get: 205 by default, where Gmail allows 250
 * per user as a moving average). A call over a limit waits for its turn; none is dropped. Pacing
 * fails while Redis is down (the job retries), it never lets a call through unpaced.
 */
export function createGmailPacing(p: {
  redis: Redis;
  keyPrefix: string;
  watchPerSecond: number;
  userUnitsPerSecond: number;
}) {
  const watchGate = createRateGate({
    redis: p.redis,
    key: `${p.keyPrefix}:notify:gmail-watch-rate`,
    max: p.watchPerSecond,
    windowMs: WATCH_WINDOW_MS,
    marginMs: WATCH_MARGIN_MS,
  });
  const userQuota = createQuotaPacer({
    redis: p.redis,
    keyPrefix: `${p.keyPrefix}:notify:gmail-user-units`,
    perSecond: p.userUnitsPerSecond,
    burst: USER_BURST_UNITS,
  });
  /** Waits until `units` of this account's quota may be spent, then spends them. */
  const spend = (account: string, units: number) => userQuota.spend(account, units);
  return {
    /** The same port with its calls paced; `account` names the Gmail account whose quota is spent. */
    paced(gmail: GmailPort, account: string): GmailPort {
      return {
        ...gmail,
        async watch(topicName) {
          await watchGate.take();
          return gmail.watch(topicName);
        },
        async listHistory(startHistoryId, pageToken) {
          await spend(account, QUOTA_UNITS.historyList);
          return gmail.listHistory(startHistoryId, pageToken);
        },
        async headers(messageId) {
          await spend(account, QUOTA_UNITS.messagesGet);
          return gmail.headers(messageId);
        },
      };
    },
  };
}

export type GmailPacing = ReturnType<typeof createGmailPacing>;
