import type { Redis } from 'ioredis';
import { batchPerTick } from './tick-batch';

/** Long enough for any sync to have run; a forgotten entry only makes a sync read Gmail again. */
const TTL_SECONDS = 7 * 24 * 3600;
/** History ids are unsigned 64-bit decimals; padded to one width, strings compare as numbers. */
const WIDTH = 30;

/** Sets each key to its argument when it is absent or lower; never lowers one. ARGV[1] is the TTL. */
const RAISE = `for i, key in ipairs(KEYS) do
  local value = ARGV[i + 1]
  local current = redis.call('GET', key)
  if not current or value > current then redis.call('SET', key, value, 'EX', ARGV[1]) end
end
return 0`;

const COMMAND = 'notifyRaisePushed';
type RaiseCommand = (n: number, ...keysThenArgs: Array<string | number>) => Promise<unknown>;

/**
 * The highest history id pushed for each Gmail address, shared by every machine. A push raises it
 * before its sync job is recorded, so a sync that finds its mailbox's cursor at or above it knows
 * that every push accepted so far — its own and any folded into its job while it waited — is covered.
 * The raises of one event-loop round are one script call (EVALSHA, the script sent once).
 */
export function createPushedHistory(redis: Redis, keyPrefix: string) {
  const key = (email: string) => `${keyPrefix}:notify:pushed:${email.toLowerCase()}`;
  redis.defineCommand(COMMAND, { lua: RAISE });
  const raiseAll = (redis as unknown as Record<typeof COMMAND, RaiseCommand>)[COMMAND].bind(redis);
  const raise = batchPerTick<{ email: string; historyId: bigint }, void>(async (items) => {
    const keys = items.map((i) => key(i.email));
    const values = items.map((i) => i.historyId.toString().padStart(WIDTH, '0'));
    await raiseAll(keys.length, ...keys, TTL_SECONDS, ...values);
    return items.map(() => undefined);
  });
  return {
    raise: (email: string, historyId: bigint): Promise<void> => raise({ email, historyId }),
    /** Undefined when nothing is known (never pushed, or forgotten): the caller must read Gmail. */
    async highest(email: string): Promise<bigint | undefined> {
      const value = await redis.get(key(email));
      return value ? BigInt(value) : undefined;
    },
  };
}

export type PushedHistory = ReturnType<typeof createPushedHistory>;
