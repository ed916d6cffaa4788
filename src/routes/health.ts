import type { FastifyInstance } from 'fastify';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

/**
 * A probe whose check is still running is not started again: a hung database must not pile up one
 * pool connection per readiness request while it stays down.
 */
function singleFlightProbe(check: () => Promise<unknown>) {
  let running: Promise<unknown> | undefined;
  return async (): Promise<'up' | 'down'> => {
    running ??= check().finally(() => (running = undefined));
    try {
      await withTimeout(running, 2_000);
      return 'up';
    } catch {
      return 'down';
    }
  };
}

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  const postgresProbe = singleFlightProbe(() => app.prisma.$queryRaw`SELECT 1`);
  const redisProbe = singleFlightProbe(() => app.redis.ping());
  app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
    const [postgres, redis] = await Promise.all([postgresProbe(), redisProbe()]);
    const slack = app.slack.isConnected() ? 'up' : 'down';
    const checks = { postgres, redis, slack };
    const down = Object.entries(checks)
      .filter(([, state]) => state === 'down')
      .map(([name]) => name);
    reply.code(down.length === 0 ? 200 : 503);
    return { status: down.length === 0 ? 'ready' : 'unavailable', checks, ...(down.length ? { down } : {}) };
  });
}
