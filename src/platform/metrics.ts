import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { closeServer, serverOptions, type HttpTimeouts } from './http-server';

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
  httpDuration: Histogram<'route' | 'method' | 'status_class'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
    /** The port the metrics listener is bound to (METRICS_PORT, or the one chosen for port 0). */
    metricsPort(): number | undefined;
  }
}

/**
 * Totals of prom-client's default set typed as gauges yet named `*_total`, which Prometheus' naming rules
 * reserve for counters (promtool rejects them); the same numbers are there per type without the suffix.
 */
const MISNAMED_DEFAULTS = ['active_handles_total', 'active_requests_total', 'active_resources_total'];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** One registry per app instance, so several apps in one process (tests) never collide. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mailbridge_' });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(`mailbridge_nodejs_${name}`);
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
    httpDuration: new Histogram({
      name: 'mailbridge_http_request_duration_seconds',
      help: 'HTTP request durations by route pattern, method and status class',
      labelNames: ['route', 'method', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}

export interface MetricsPluginOptions {
  port: number;
  host: string;
  timeouts: HttpTimeouts;
}

/**
 * Metrics are served by a listener of their own on METRICS_PORT, which the platform scrapes over its
 * private network; the public port never exposes them. Labels stay bounded: route patterns, not URLs.
 */
export default fp(
  async (app, opts: MetricsPluginOptions) => {
    const metrics = createMetrics();
    app.decorate('metrics', metrics);
    app.addHook('onResponse', async (req, reply) => {
      metrics.httpDuration.observe(
        {
          route: req.routeOptions.url ?? 'unmatched',
          method: METHODS.has(req.method) ? req.method : 'OTHER',
          status_class: `${Math.floor(reply.statusCode / 100)}xx`,
        },
        reply.elapsedTime / 1000,
      );
    });

    const server: Server = createServer(serverOptions(opts.timeouts), (req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (err: unknown) => {
          app.log.error({ err }, 'metrics collection failed');
          res.writeHead(500).end();
        },
      );
    });
    server.setTimeout(opts.timeouts.timeout);
    server.on('error', (err) => app.log.warn({ err: { message: err.message } }, 'metrics listener error'));
    app.decorate('metricsPort', () => (server.address() as AddressInfo | null)?.port);
    // Bound before the main port, so a taken metrics port stops the start instead of hiding.
    app.addHook('onReady', async () => {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      app.log.info({ port: app.metricsPort() }, 'metrics listening');
    });
    app.addHook('onClose', async () => {
      if (server.listening) await closeServer(server, 1_000);
    });
  },
  { name: 'metrics' },
);
