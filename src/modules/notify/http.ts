import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { PushAuthenticator } from './domain/push-auth';
import { MAX_PUSH_BYTES, parsePushEnvelope } from './domain/push-envelope';
import type { PushIntake } from './domain/push-intake';
import type { Metrics } from '../../platform/metrics';

export interface PubsubRouteOptions {
  authenticate: PushAuthenticator;
  receive: PushIntake;
  metrics: Metrics;
  log: Logger;
}

declare module 'fastify' {
  interface FastifyRequest {
    pushAuthenticated?: boolean;
  }
}

/**
 * POST /pubsub/gmail (SPEC 6.5.3). The token is checked in onRequest, before the body is even read.
 * 2xx tells Pub/Sub to stop: it is sent once the sync is recorded, and for authenticated poison
 * (retrying it cannot help). 503 asks Pub/Sub to redeliver when Redis or Postgres is down.
 */
export default async function pubsubRoutes(app: FastifyInstance, opts: PubsubRouteOptions) {
  const { metrics, log } = opts;
  const poison = (reply: FastifyReply, reason: string) => {
    metrics.pushes.inc({ outcome: 'poison' });
    log.warn({ reason }, 'poison push ignored');
    return reply.code(204).send();
  };

  // Bodies are parsed by the route itself, so a malformed or foreign one is poison, not a 400.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_PUSH_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  app.setErrorHandler(
    (err: { statusCode?: number; code?: string }, req: FastifyRequest, reply: FastifyReply) => {
      const status = err.statusCode ?? 500;
      if (req.pushAuthenticated && status >= 400 && status < 500) {
        return poison(reply, status === 413 ? 'oversized' : (err.code ?? 'unreadable'));
      }
      metrics.pushes.inc({ outcome: 'unavailable' });
      log.error({ err }, 'push could not be recorded');
      return reply.code(503).send({ error: 'unavailable' });
    },
  );

  app.post(
    '/pubsub/gmail',
    {
      onRequest: async (req, reply) => {
        const auth = await opts.authenticate(req.headers.authorization);
        if (!auth.ok) {
          metrics.pushes.inc({ outcome: auth.status === 401 ? 'unauthenticated' : 'forbidden' });
          log.warn({ reason: auth.reason, status: auth.status }, 'push refused');
          return reply
            .code(auth.status)
            .send({ error: auth.status === 401 ? 'unauthenticated' : 'forbidden' });
        }
        req.pushAuthenticated = true;
      },
    },
    async (req, reply) => {
      const parsed = parsePushEnvelope(req.body as Buffer | undefined);
      if (!parsed.ok) return poison(reply, parsed.reason);
      let outcome;
      try {
        outcome = await opts.receive(parsed.push);
      } catch (err) {
        metrics.pushes.inc({ outcome: 'unavailable' });
        log.warn(
          { err: { message: (err as Error).message }, messageId: parsed.push.messageId },
          'push not recorded; asking Pub/Sub to retry',
        );
        return reply.code(503).send({ error: 'unavailable' });
      }
      if (outcome === 'unknown_mailbox') return poison(reply, outcome);
      metrics.pushes.inc({ outcome });
      log.info(
        { outcome, messageId: parsed.push.messageId, historyId: parsed.push.historyId.toString() },
        'push received',
      );
      return reply.code(204).send();
    },
  );
}
