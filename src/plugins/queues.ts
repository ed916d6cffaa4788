import fp from 'fastify-plugin';
import { Queue } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from '../jobs/queues';

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
    app.decorate('queues', queues);
    app.decorate('bullPrefix', prefix);
    app.addHook('onClose', async () => {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    });
  },
  { name: 'queues', dependencies: ['redis'] },
);
