import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Paces notify's Gmail calls, across every machine (Redis): `users.watch` for the whole deployment at
 * `watchPerSecond`, and each account's history and message reads within `userUnitsPerSecond` quota
 * units. A call over a limit waits for its turn; none is dropped. Pacing fails while Redis is down
 * (the job retries), it never lets a call through unpaced.
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
  const userQuota = new RateLimiterRedis({
    storeClient: p.redis,
    keyPrefix: `${p.keyPrefix}:rl:gmail-user-units`,
    points: p.userUnitsPerSecond,
    duration: 1,
    rejectIfRedisNotReady: true,
  });
  /** Waits until `units` of this account's quota are free in the current second, then takes them. */
  async function spend(account: string, units: number): Promise<void> {
    for (;;) {
      try {
        await userQuota.consume(account, Math.min(units, p.userUnitsPerSecond));
        return;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        await sleep(Math.max(1, rejection.msBeforeNext));
      }
    }
  }
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
