import type { FastifyInstance } from 'fastify';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  try {
    await withTimeout(check(), 2_000);
    return 'up';
  } catch {
    return 'down';
  }
}

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
    const [postgres, redis] = await Promise.all([
      probe(() => app.prisma.$queryRaw`SELECT 1`),
      probe(() => app.redis.ping()),
    ]);
    const slack = app.slack.isConnected() ? 'up' : 'down';
    const checks = { postgres, redis, slack };
    const down = Object.entries(checks)
      .filter(([, state]) => state === 'down')
      .map(([name]) => name);
    reply.code(down.length === 0 ? 200 : 503);
    return { status: down.length === 0 ? 'ready' : 'unavailable', checks, ...(down.length ? { down } : {}) };
  });
}
