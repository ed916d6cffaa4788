import type { Redis } from 'ioredis';

/** Long enough for any sync to have run; a forgotten entry only makes a sync read Gmail again. */
const TTL_SECONDS = 7 * 24 * 3600;
/** History ids are unsigned 64-bit decimals; padded to one width, strings compare as numbers. */
const WIDTH = 30;

/** Sets the key to the argument when it is absent or lower; never lowers it. */
const RAISE = `local current = redis.call('GET', KEYS[1])
if not current or ARGV[1] > current then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 0`;

/**
 * The highest history id pushed for each Gmail address, shared by every machine. A push raises it
 * before its sync job is recorded, so a sync that finds its mailbox's cursor at or above it knows
 * that every push accepted so far — its own and any folded into its job while it waited — is covered.
 */
export function createPushedHistory(redis: Redis, keyPrefix: string) {
  const key = (email: string) => `${keyPrefix}:notify:pushed:${email.toLowerCase()}`;
  return {
    async raise(email: string, historyId: bigint): Promise<void> {
      await redis.eval(RAISE, 1, key(email), historyId.toString().padStart(WIDTH, '0'), TTL_SECONDS);
    },
    /** Undefined when nothing is known (never pushed, or forgotten): the caller must read Gmail. */
    async highest(email: string): Promise<bigint | undefined> {
      const value = await redis.get(key(email));
      return value ? BigInt(value) : undefined;
    },
  };
}

export type PushedHistory = ReturnType<typeof createPushedHistory>;
