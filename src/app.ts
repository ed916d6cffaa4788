import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createLogger } from './shared/logger';
import { answerErrors } from './shared/http-errors';
import { systemClock, type Clock } from './shared/clock';
import metricsPlugin from './platform/metrics';
import httpServerPlugin, { httpTimeouts, serverOptions } from './platform/http-server';
import prismaPlugin from './platform/prisma';
import redisPlugin from './platform/redis';
import queuesPlugin from './platform/queues';
import workersPlugin from './platform/workers';
import slackPlugin from './platform/slack';
import sealerPlugin from './platform/sealer';
import healthRoutes from './platform/health';
import connectModule from './modules/connect';
import sendModule from './modules/send';
import notifyModule from './modules/notify';
import { connectionReactions } from './reactions';
import { registerTriggerRecorder } from './modules/triggers/slack';
import { registerMaintenanceJobs } from './modules/retention/jobs';
import { createTriggerRepo } from './modules/triggers/trigger-store';
import { withTimeout } from './shared/timeout';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    clock: Clock;
    /** Opens the Slack socket and starts the workers; called once the HTTP server listens. */
    startBackground(): Promise<void>;
  }
}

export interface BuildOptions {
  logger?: Logger;
  clock?: Clock;
}

/** Composes the process: resources first, then transports. Holds no logic of its own. */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const timeouts = httpTimeouts(config);
  const app = Fastify({
    loggerInstance: opts.logger ?? createLogger(config.LOG_LEVEL),
    // Only proxies the operator names are believed about the client (req.ip); on Fly, Fly-Client-IP decides.
    trustProxy: (_address: string, hop: number) => hop < config.TRUST_PROXY_HOPS,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'fly-request-id',
    forceCloseConnections: 'idle',
    requestTimeout: timeouts.requestTimeout,
    connectionTimeout: timeouts.timeout,
    keepAliveTimeout: timeouts.keepAliveTimeout,
    http: serverOptions(timeouts),
    // Fastify bounds each close step by pluginTimeout (10 s by default), the drain below included: it
    // must outlast SHUTDOWN_TIMEOUT_MS, which is what bounds the drain.
    pluginTimeout: config.SHUTDOWN_TIMEOUT_MS + 10_000,
  }) as unknown as FastifyInstance;

  app.decorate('config', config);
  app.decorate('clock', opts.clock ?? systemClock);
  // Module routes answer their own codes from their own tables; this answers everything else.
  app.setErrorHandler(answerErrors({}));

  await app.register(metricsPlugin, { port: config.METRICS_PORT, host: config.HOST, timeouts });
  await app.register(httpServerPlugin);
  await app.register(prismaPlugin, { databaseUrl: config.DATABASE_URL });
  await app.register(redisPlugin, { url: config.REDIS_URL });
  await app.register(queuesPlugin, { keyPrefix: config.REDIS_KEY_PREFIX });
  await app.register(workersPlugin);
  await app.register(slackPlugin, {
    botToken: config.SLACK_BOT_TOKEN,
    appToken: config.SLACK_APP_TOKEN,
    apiUrl: config.SLACK_API_URL,
    timeoutMs: config.HTTP_TIMEOUT_MS,
  });
  await app.register(sealerPlugin);

  await app.register(healthRoutes);
  registerTriggerRecorder(app.slack.app, {
    triggers: createTriggerRepo(app.prisma),
    log: app.log.child({ component: 'triggers' }) as Logger,
    metrics: app.metrics,
  });
  registerMaintenanceJobs(app);
  const connect = await connectModule(app);
  const send = await sendModule(app, connect);
  const notify = await notifyModule(app, connect);
  connect.react(connectionReactions({ connect, send, notify }));

  // Stop taking new work before anything closes, all within SHUTDOWN_TIMEOUT_MS: HTTP stops accepting and
  // answers what it holds; the socket closes, then the workers let active jobs finish or abandon them.
  // A signal during start-up waits for the start to settle, so nothing opens after resources close.
  let starting: Promise<void> = Promise.resolve();
  app.addHook('preClose', async () => {
    const deadline = Date.now() + config.SHUTDOWN_TIMEOUT_MS;
    const left = () => deadline - Date.now();
    const stopBackground = async () => {
      await withTimeout(starting, left()).catch(() => undefined);
      await withTimeout(app.slack.stop(), left()).catch((err) =>
        app.log.warn({ err }, 'slack socket did not close cleanly'),
      );
      await app.jobs.stop(left());
    };
    await Promise.all([app.drainHttp(left()), stopBackground()]);
  });
  app.decorate('startBackground', () => {
    starting = (async () => {
      await app.jobs.start();
      await app.slack.start();
    })();
    return starting;
  });
  return app;
}
