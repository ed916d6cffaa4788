import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { PushAuthenticator } from './domain/push-auth';
import { MAX_PUSH_BYTES, parsePushEnvelope } from './domain/push-envelope';
import type { PushIntake } from './domain/push-intake';

export interface PubsubRouteOptions {
  authenticate: PushAuthenticator;
  receive: PushIntake;
  log: Logger;
}

declare module 'fastify' {
  interface FastifyRequest {
    pushAuthenticated?: boolean;
  }
}

/**
 * Every answer of the webhook. 2xx tells Pub/Sub to stop: once the sync is recorded, and for
 * authenticated poison (retrying it cannot help); 503 asks it to redeliver (Redis or Postgres down).
 */
const ANSWERS = {
  recorded: { status: 204, body: undefined },
  poison: { status: 204, body: undefined },
  unauthenticated: { status: 401, body: { error: 'unauthenticated' } },
  forbidden: { status: 403, body: { error: 'forbidden' } },
  unavailable: { status: 503, body: { error: 'unavailable' } },
} as const;

const answer = (reply: FastifyReply, what: keyof typeof ANSWERS) =>
  reply.code(ANSWERS[what].status).send(ANSWERS[what].body);

/**
 * POST /pubsub/gmail (SPEC 6.5.3): pushes are authenticated as Pub/Sub's for our audience, then
 * recorded as a sync of every enabled mailbox of the address. The token is checked in onRequest,
 * before the body is even read.
 */
export default async function pubsubRoutes(app: FastifyInstance, opts: PubsubRouteOptions) {
  const { log } = opts;
  const { metrics } = app;
  const poison = (reply: FastifyReply, reason: string) => {
    metrics.pushes.inc({ outcome: 'poison' });
    log.warn({ reason }, 'poison push ignored');
    return answer(reply, 'poison');
  };

  // One logger at `warn` serves every push: Fastify's default makes a child logger per request (to
  // bind its id), which cost more than the route lookup; what this route logs goes through `log`.
  const quiet = app.log.child({}, { level: 'warn' });
  app.setChildLoggerFactory(() => quiet);

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
      return answer(reply, 'unavailable');
    },
  );

  app.post(
    '/pubsub/gmail',
    {
      // Fastify's two request lines per push are left out (errors and refusals are still logged): at
      // hundreds of pushes a second they were most of the log and of its cost.
      logLevel: 'warn',
      onRequest: async (req, reply) => {
        const auth = await opts.authenticate(req.headers.authorization);
        if (!auth.ok) {
          metrics.pushes.inc({ outcome: auth.refusal });
          log.warn({ reason: auth.reason, status: ANSWERS[auth.refusal].status }, 'push refused');
          return answer(reply, auth.refusal);
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
        return answer(reply, 'unavailable');
      }
      if (outcome === 'unknown_mailbox') return poison(reply, outcome);
      metrics.pushes.inc({ outcome });
      log.debug(
        { outcome, messageId: parsed.push.messageId, historyId: parsed.push.historyId.toString() },
        'push received',
      );
      return answer(reply, 'recorded');
    },
  );
}
