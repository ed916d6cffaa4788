import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { LimitCheck, LimitScope, SendLimits } from './domain/ports';

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;

export interface SendLimitSettings {
  keyPrefix: string;
  draftsPerHour: number;
  sendsPerHour: number;
  sendsPerDay: number;
  globalPerHour: number;
}

/** rate-limiter-flexible over the shared fail-fast Redis: a Redis outage refuses (throws), never allows. */
export function createSendLimits(redis: Redis, s: SendLimitSettings): SendLimits {
  const limiter = (name: string, points: number, duration: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${s.keyPrefix}:rl:${name}`,
      points,
      duration,
      rejectIfRedisNotReady: true,
    });
  const drafts = limiter('send-drafts-hour', s.draftsPerHour, HOUR_S);
  const sendLimiters: Array<{ scope: LimitScope; limiter: RateLimiterRedis; key: (u: string) => string }> = [
    { scope: 'user_hour', limiter: limiter('send-user-hour', s.sendsPerHour, HOUR_S), key: (u) => u },
    { scope: 'user_day', limiter: limiter('send-user-day', s.sendsPerDay, DAY_S), key: (u) => u },
    { scope: 'global_hour', limiter: limiter('send-global-hour', s.globalPerHour, HOUR_S), key: () => 'all' },
  ];

  /** A RateLimiterRes rejection means "over the limit"; an Error means Redis failed and is rethrown. */
  async function consume(l: RateLimiterRedis, key: string, scope: LimitScope): Promise<LimitCheck> {
    try {
      await l.consume(key);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, scope, retryAfterMs: rejection.msBeforeNext };
      }
      throw rejection;
    }
  }

  return {
    consumeDraft: (teamId, userId) => consume(drafts, `${teamId}:${userId}`, 'drafts_hour'),
    async consumeSend(teamId, userId) {
      const user = `${teamId}:${userId}`;
      const taken: typeof sendLimiters = [];
      for (const l of sendLimiters) {
        const check = await consume(l.limiter, l.key(user), l.scope);
        if (!check.allowed) {
          // A rejected consume still counted its point: give back that one and every earlier one.
          await Promise.all([l, ...taken].map((t) => t.limiter.reward(t.key(user))));
          return check;
        }
        taken.push(l);
      }
      return { allowed: true };
    },
    async refundSend(teamId, userId) {
      const user = `${teamId}:${userId}`;
      await Promise.all(sendLimiters.map((l) => l.limiter.reward(l.key(user))));
    },
  };
}
