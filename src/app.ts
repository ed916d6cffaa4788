import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createLogger } from './shared/logger';
import { answerErrors } from './shared/http-errors';
import { systemClock, type Clock } from './shared/clock';
import metricsPlugin from './platform/metrics';
import httpServerPlugin, { fastifyOptions, httpTimeouts } from './platform/http-server';
import prismaPlugin from './platform/prisma';
import redisPlugin from './platform/redis';
import queuesPlugin from './platform/queues';
import workersPlugin from './platform/workers';
import slackPlugin from './platform/slack';
import sealerPlugin from './platform/sealer';
import healthRoutes from './platform/health';
import lifecyclePlugin from './platform/lifecycle';
import triggersModule from './modules/triggers';
import connectModule from './modules/connect';
import sendModule from './modules/send';
import notifyModule from './modules/notify';
import retentionModule from './modules/retention';
import assistantModule from './modules/assistant';
import homeModule, { homeRefresher } from './modules/home';
import { connectionReactions } from './reactions';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    clock: Clock;
  }
}

export interface BuildOptions {
  logger?: Logger;
  clock?: Clock;
}

/** Composes the process: platform resources, then the modules, then what connects them. No logic of its own. */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(
    fastifyOptions(config, opts.logger ?? createLogger(config.LOG_LEVEL)),
  ) as unknown as FastifyInstance;
  app.decorate('config', config);
  app.decorate('clock', opts.clock ?? systemClock);
  // Module routes answer their own codes from their own tables; this answers everything else.
  app.setErrorHandler(answerErrors({}));

  await app.register(metricsPlugin, {
    port: config.METRICS_PORT,
    host: config.HOST,
    timeouts: httpTimeouts(config),
  });
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

  // The trigger recorder goes first: it stands in front of every other Slack listener.
  const triggers = triggersModule(app);
  // App Home is told of changes by the modules it shows, so its refresh queue exists before them.
  const refreshHome = homeRefresher(app);
  const connect = await connectModule(app);
  const send = await sendModule(app, { connect, triggers, refreshHome });
  const notify = await notifyModule(app, connect, refreshHome);
  await assistantModule(app, { send, triggers, connect });
  homeModule(app, { connect, send, notify }, refreshHome);
  retentionModule(app, { triggers, connect, refreshHome });
  connect.react(connectionReactions({ connect, send, notify, refreshHome }));

  await app.register(lifecyclePlugin, { shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  return app;
}
