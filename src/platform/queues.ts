import fp from 'fastify-plugin';
import { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { QUEUE_NAMES, type QueueName } from './queue-settings';
import { withTimeout } from '../shared/timeout';
import { closeBudget } from '../shared/close-budget';

const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

declare module 'fastify' {
  interface FastifyInstance {
    queues: Record<QueueName, Queue>;
    bullPrefix: string;
  }
}

export default fp(
  async (app, opts: { keyPrefix: string }) => {
    const prefix = `${opts.keyPrefix}:bull`;
    // Producers share the fail-fast connection: an enqueue while Redis is down errors at once,
    // so the caller can answer 503 instead of acknowledging work that was never recorded.
    const queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [
        name,
        new Queue(name, {
          connection: app.redis,
          prefix,
          defaultJobOptions: {
            removeOnComplete: { age: 24 * 3600, count: 1000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        }),
      ]),
    ) as Record<QueueName, Queue>;
    // An emitter without an 'error' listener throws: a Redis outage must degrade readiness, not crash.
    for (const queue of Object.values(queues)) {
      queue.on('error', (err) =>
        app.log.warn({ err: { message: err.message }, queue: queue.name }, 'queue error'),
      );
    }
    // Read on scrape, bounded: a slow or absent Redis leaves the series out rather than stalling the scrape.
    new Gauge({
      name: 'mailbridge_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed), read at scrape time',
      labelNames: ['queue', 'state'],
      registers: [app.metrics.registry],
      async collect() {
        // Read everything first, then replace the values in one synchronous step: concurrent scrapes
        // each see a whole set of counts, never one cleared by another scrape's reset.
        const counts = await withTimeout(
          Promise.all(Object.values(queues).map((q) => q.getJobCounts(...DEPTH_STATES))),
          1_000,
        ).catch((err: unknown) => {
          app.log.debug({ err: { message: (err as Error).message } }, 'queue depths unavailable');
          return undefined;
        });
        this.reset();
        if (!counts) return;
        Object.values(queues).forEach((queue, i) => {
          for (const state of DEPTH_STATES) this.set({ queue: queue.name, state }, counts[i]![state] ?? 0);
        });
      },
    });
    app.decorate('queues', queues);
    app.decorate('bullPrefix', prefix);
    const budget = closeBudget(app);
    app.addHook('onClose', async () => {
      await budget.close(
        'queues',
        () => Promise.all(Object.values(queues).map((q) => q.close())),
        () => Object.values(queues).forEach((q) => void q.disconnect().catch(() => undefined)),
      );
    });
  },
  { name: 'queues', dependencies: ['redis', 'metrics'] },
);
