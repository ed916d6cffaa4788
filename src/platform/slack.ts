import fp from 'fastify-plugin';
import { App, LogLevel, type Logger as BoltLogger, type webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';

export interface SlackRuntime {
  app: App;
  client: webApi.WebClient;
  isConnected(): boolean;
  start(): Promise<void>;
  /** Closes the socket so Slack routes new events to other machines; in-flight handlers finish. */
  stop(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    slack: SlackRuntime;
  }
}

export interface SlackPluginOptions {
  botToken: string;
  appToken: string;
  apiUrl: string;
  timeoutMs: number;
}

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const write =
    (method: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) =>
      log[method](
        msg
          .map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m)))
          .join(' '),
      );
  return {
    // Bolt's debug output includes whole Web API request bodies (previews, button values): never log it.
    debug: () => undefined,
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export default fp(
  async (fastify, opts: SlackPluginOptions) => {
    const log = fastify.log.child({ component: 'slack' }) as Logger;
    const app = new App({
      token: opts.botToken,
      appToken: opts.appToken,
      socketMode: true,
      logger: boltLogger(log),
      clientOptions: {
        slackApiUrl: opts.apiUrl,
        timeout: opts.timeoutMs,
        retryConfig: { retries: 2, factor: 2, minTimeout: 500 },
      },
    });
    let connected = false;
    let started = false;
    // Bolt does not expose the socket state; the underlying Socket Mode client emits it.
    const receiver = (app as unknown as { receiver: { client: NodeJS.EventEmitter } }).receiver;
    receiver.client.on('connected', () => {
      connected = true;
      log.info('slack socket connected');
    });
    for (const state of ['reconnecting', 'disconnecting', 'disconnected']) {
      receiver.client.on(state, () => {
        if (connected) log.warn({ state }, 'slack socket not connected');
        connected = false;
      });
    }
    app.error(async (error) => {
      log.error(
        { err: { message: error.message, code: (error as { code?: string }).code } },
        'slack handler failed',
      );
    });

    const runtime: SlackRuntime = {
      app,
      client: app.client,
      isConnected: () => connected,
      async start() {
        await app.start();
        started = true;
      },
      async stop() {
        if (!started) return;
        started = false;
        await app.stop();
        connected = false;
      },
    };
    new Gauge({
      name: 'mailbridge_slack_socket_connected',
      help: 'Whether the Slack Socket Mode connection is up (1) or not (0)',
      registers: [fastify.metrics.registry],
      collect() {
        this.set(connected ? 1 : 0);
      },
    });
    fastify.decorate('slack', runtime);
    // The drain closes the socket first; a socket it never reached closes with the app.
    fastify.addHook('onClose', () => runtime.stop());
  },
  { name: 'slack', dependencies: ['metrics'] },
);
