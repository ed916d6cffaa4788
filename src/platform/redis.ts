import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { closeBudget } from '../shared/close-budget';

declare module 'fastify' {
  interface FastifyInstance {
    /** Fail-fast connection for producers, rate limits and dedupe keys: commands error while Redis is down. */
    redis: Redis;
    /** Options for blocking worker connections (BullMQ requires maxRetriesPerRequest: null). */
    workerRedisOptions: ConnectionOptions;
  }
}

const retryStrategy = (attempt: number) => Math.min(200 * 2 ** attempt, 5_000);

export default fp(
  async (app, opts: { url: string }) => {
    const redis = new Redis(opts.url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 5_000,
      commandTimeout: 5_000,
      retryStrategy,
      lazyConnect: true,
    });
    redis.on('error', (err) => app.log.warn({ err: { message: err.message } }, 'redis connection error'));
    await redis.connect();
    app.decorate('redis', redis);
    app.decorate('workerRedisOptions', { url: opts.url, maxRetriesPerRequest: null, retryStrategy });
    // QUIT waits for Redis's answer, which a hung Redis never sends: past the shutdown's bound, disconnect.
    const budget = closeBudget(app);
    app.addHook('onClose', async () => {
      await budget.close(
        'redis',
        () => redis.quit(),
        () => redis.disconnect(),
      );
    });
  },
  { name: 'redis' },
);
