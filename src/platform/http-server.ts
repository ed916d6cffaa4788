import type { Server, ServerOptions } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { withTimeout } from '../shared/timeout';

export interface HttpTimeouts {
  requestTimeout: number;
  headersTimeout: number;
  keepAliveTimeout: number;
  /** Socket inactivity timeout. */
  timeout: number;
}

/** Every listener gets the same bounds: a client that drips its request cannot hold a slot for ever. */
export function httpTimeouts(config: Config): HttpTimeouts {
  return {
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    headersTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    timeout: config.HTTP_CONNECTION_TIMEOUT_MS,
  };
}

/**
 * Options for http.createServer. Node checks the request and headers timeouts on an interval of 30 s by
 * default, which would let a dripping client overrun its bound by that much.
 */
export const serverOptions = (t: HttpTimeouts): ServerOptions => ({
  headersTimeout: t.headersTimeout,
  requestTimeout: t.requestTimeout,
  keepAliveTimeout: t.keepAliveTimeout,
  connectionsCheckingInterval: 1_000,
});

/** The HTTP server's own settings: bounds on bodies and slow clients, and which proxies are believed. */
export function fastifyOptions(config: Config, logger: Logger): FastifyHttpOptions<Server> {
  const timeouts = httpTimeouts(config);
  return {
    loggerInstance: logger,
    // Only proxies the operator names are believed about the client (req.ip); on Fly, Fly-Client-IP decides.
    trustProxy: (_address: string, hop: number) => hop < config.TRUST_PROXY_HOPS,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'fly-request-id',
    forceCloseConnections: 'idle',
    requestTimeout: timeouts.requestTimeout,
    connectionTimeout: timeouts.timeout,
    keepAliveTimeout: timeouts.keepAliveTimeout,
    http: serverOptions(timeouts),
    // Fastify bounds each close step by pluginTimeout (10 s by default), the drain included: it must
    // outlast SHUTDOWN_TIMEOUT_MS, which is what bounds the drain.
    pluginTimeout: config.SHUTDOWN_TIMEOUT_MS + 10_000,
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Ends HTTP within `ms`: no new connections, in-flight requests answered, then every socket closed. */
    drainHttp(ms: number): Promise<void>;
  }
}

/** Closes a server: idle keep-alive sockets at once, busy ones after their response, stragglers after `ms`. */
export async function closeServer(server: Server, ms: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await withTimeout(closed, ms).catch(() => server.closeAllConnections());
  await closed;
}

export default fp(
  async (app) => {
    let draining = false;
    // A response finished during the drain would leave its keep-alive socket open until the client drops it.
    app.addHook('onSend', async (_req, reply) => {
      if (draining) reply.header('connection', 'close');
    });
    app.decorate('drainHttp', async (ms: number) => {
      draining = true;
      await closeServer(app.server, ms);
    });
  },
  { name: 'http-server' },
);
