import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * A person opens the start page, maybe reloads it and types the code a few times (five wrong codes
 * burn the pairing): 40 hits over the pairing's 10 minutes leave room for that and nothing more.
 */
const HITS_PER_PAIRING = 40;
const PAIRING_WINDOW_S = 600;
/** One address may be a whole office behind NAT connecting at once; a flood is far above this. */
const HITS_PER_ADDRESS_MINUTE = 120;

export type PageLimitCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Fixed-window limits on the connect pages, shared by every machine through Redis. */
export function createConnectPageLimits(redis: Redis, keyPrefix: string) {
  const limiter = (name: string, points: number, duration: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:rl:${name}`,
      points,
      duration,
      rejectIfRedisNotReady: true,
    });
  const perAddress = limiter('connect-page-address', HITS_PER_ADDRESS_MINUTE, 60);
  const perPairing = limiter('connect-page-pairing', HITS_PER_PAIRING, PAIRING_WINDOW_S);

  /** Throws when Redis fails: the caller refuses rather than serve pages without a bound. */
  async function consume(l: RateLimiterRedis, key: string): Promise<PageLimitCheck> {
    try {
      await l.consume(key);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes)
        return { allowed: false, retryAfterMs: rejection.msBeforeNext };
      throw rejection;
    }
  }

  return {
    /** Counts one page hit; the address is checked first so a flood of made-up pairing ids stays bounded. */
    async consume(pairingId: string, address: string): Promise<PageLimitCheck> {
      const byAddress = await consume(perAddress, address);
      if (!byAddress.allowed) return byAddress;
      return consume(perPairing, pairingId);
    },
  };
}

export type ConnectPageLimits = ReturnType<typeof createConnectPageLimits>;
