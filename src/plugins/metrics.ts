import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  pushes: Counter<'outcome'>;
  jobDuration: Histogram<'queue' | 'name'>;
  jobFailures: Counter<'queue' | 'name'>;
  sends: Counter<'result'>;
  apiErrors: Counter<'service' | 'kind'>;
  watchExpiries: Counter<'outcome'>;
  notifications: Counter<'kind'>;
  triggers: Counter<'kind'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** One registry per app instance, so several apps in one process (tests) never collide. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mailbridge_' });
  const registers = [registry];
  return {
    registry,
    pushes: new Counter({
      name: 'mailbridge_pushes_total',
      help: 'Pub/Sub pushes by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    jobDuration: new Histogram({
      name: 'mailbridge_job_duration_seconds',
      help: 'Job processing time by queue and job name',
      labelNames: ['queue', 'name'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    jobFailures: new Counter({
      name: 'mailbridge_job_failures_total',
      help: 'Failed job attempts',
      labelNames: ['queue', 'name'],
      registers,
    }),
    sends: new Counter({
      name: 'mailbridge_sends_total',
      help: 'Email send decisions by result',
      labelNames: ['result'],
      registers,
    }),
    apiErrors: new Counter({
      name: 'mailbridge_api_errors_total',
      help: 'Slack and Google API errors',
      labelNames: ['service', 'kind'],
      registers,
    }),
    watchExpiries: new Counter({
      name: 'mailbridge_watch_renewals_total',
      help: 'Gmail watch renewals and lapses',
      labelNames: ['outcome'],
      registers,
    }),
    notifications: new Counter({
      name: 'mailbridge_notifications_total',
      help: 'New-mail notifications posted',
      labelNames: ['kind'],
      registers,
    }),
    triggers: new Counter({
      name: 'mailbridge_trigger_rows_total',
      help: 'Recorded trigger messages',
      labelNames: ['kind'],
      registers,
    }),
  };
}

export default fp(
  async (app) => {
    const metrics = createMetrics();
    app.decorate('metrics', metrics);
    app.get('/metrics', { logLevel: 'warn' }, async (_req, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  },
  { name: 'metrics' },
);
