import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, type ErrorKind } from './errors';

/** A transport's answer to each of its module's codes; `satisfies Record<Code, number>` keeps it exhaustive. */
export type HttpStatusTable = Readonly<Record<string, number>>;

/** A code another module let through (no row in the table) still answers by what kind of failure it is. */
const STATUS_BY_KIND: Record<ErrorKind, number> = { user: 400, transient: 503, internal: 500 };

/**
 * The error handler of one route plugin: a known code gets its status from the plugin's own table and the
 * body `{ error, message, ...details }`; framework errors (bad JSON, body too large) keep their 4xx; anything
 * else is a 500 that says nothing of its cause.
 */
export function answerErrors(statusOf: HttpStatusTable) {
  return (err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(err)) {
      const status = statusOf[err.code] ?? STATUS_BY_KIND[err.kind];
      if (status >= 500) req.log.error({ err }, 'request failed');
      return reply.code(status).send({ error: err.code, message: err.message, ...err.details });
    }
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    return reply.code(status).send({
      error: status >= 500 ? 'internal_error' : 'bad_request',
      message: status >= 500 ? 'internal error' : err.message,
    });
  };
}
