import type { Redis } from 'ioredis';
import type { PushDedupe } from './domain/ports';

const TTL_SECONDS = 24 * 3600;

/** Pub/Sub messageIds seen in the last 24 h, on the fail-fast connection (errors while Redis is down). */
export function createPushDedupe(redis: Redis, keyPrefix: string): PushDedupe {
  const key = (messageId: string) => `${keyPrefix}:notify:push:${messageId}`;
  return {
    async seen(messageId) {
      return (await redis.exists(key(messageId))) === 1;
    },
    async remember(messageId) {
      await redis.set(key(messageId), '1', 'EX', TTL_SECONDS, 'NX');
    },
  };
}
