import type { FastifyInstance } from 'fastify';
import { withTimeout } from '../shared/timeout';

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
  // HTTP needs Postgres and Redis only. The Slack socket is reported but does not decide: a Slack outage
  // must not take every machine out of rotation, OAuth pages and the Pub/Sub webhook with it.
  app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
    const [postgres, redis] = await Promise.all([postgresProbe(), redisProbe()]);
    const down = Object.entries({ postgres, redis })
      .filter(([, state]) => state === 'down')
      .map(([name]) => name);
    const slack = app.slack.isConnected() ? 'up' : 'down';
    reply.code(down.length === 0 ? 200 : 503);
    return {
      status: down.length === 0 ? 'ready' : 'unavailable',
      checks: { postgres, redis, slack },
      ...(down.length ? { down } : {}),
    };
  });
}
