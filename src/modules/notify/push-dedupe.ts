import type { Redis } from 'ioredis';
import type { PushDedupe } from './domain/ports';
import { batchPerTick } from './tick-batch';

const TTL_SECONDS = 24 * 3600;

/** SET NX with the TTL in ARGV[1], for every key. */
const REMEMBER = `for _, key in ipairs(KEYS) do redis.call('SET', key, '1', 'EX', ARGV[1], 'NX') end
return 0`;
const COMMAND = 'notifyRememberPushes';
type RememberCommand = (n: number, ...keysThenArgs: Array<string | number>) => Promise<unknown>;

/**
 * Pub/Sub messageIds seen in the last 24 h, on the fail-fast connection (errors while Redis is down).
 * The pushes of one event-loop round are checked with one MGET and remembered with one script call
 * (a script, not a pipeline: an ioredis pipeline copies every command defined on the connection,
 * BullMQ's scripts included, each time it is built).
 */
export function createPushDedupe(redis: Redis, keyPrefix: string): PushDedupe {
  const key = (messageId: string) => `${keyPrefix}:notify:push:${messageId}`;
  redis.defineCommand(COMMAND, { lua: REMEMBER });
  const rememberAll = (redis as unknown as Record<typeof COMMAND, RememberCommand>)[COMMAND].bind(redis);
  const seen = batchPerTick<string, boolean>(async (ids) => {
    const values = await redis.mget(ids.map(key));
    return values.map((v) => v !== null);
  });
  const remember = batchPerTick<string, void>(async (ids) => {
    await rememberAll(ids.length, ...ids.map(key), TTL_SECONDS);
    return ids.map(() => undefined);
  });
  return { seen, remember };
}
