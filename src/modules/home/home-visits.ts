import type { Redis } from 'ioredis';
import type { HomeVisits } from './domain/ports';

/**
 * Who opened their Home, in Redis without expiry: a lost key only means that person's Home is
 * refreshed again from their next visit, which publishes it whole.
 */
export function createHomeVisits(redis: Redis, keyPrefix: string): HomeVisits {
  const key = (teamId: string, userId: string) => `${keyPrefix}:home:opened:${teamId}:${userId}`;
  return {
    async recordOpened(teamId, userId, at) {
      await redis.set(key(teamId, userId), at.toISOString());
    },
    async hasOpened(teamId, userId) {
      return (await redis.exists(key(teamId, userId))) === 1;
    },
  };
}
