import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from './crypto';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** The key of an `Authorization: Bearer <key>` header; the pattern's parts never overlap (linear). */
export const bearerToken = (header: string | undefined) => /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];

/**
 * An onRequest hook that lets through only requests bearing one of the assistant's keys (AGENT_API_KEY)
 * and answers anything else 401. The key is never logged or echoed.
 */
export function requireAgentKey(apiKeys: readonly string[]) {
  const keyDigests = apiKeys.map(sha256);
  // Every configured key is compared, in constant time, whatever the outcome of the previous ones.
  const authorized = (req: FastifyRequest) => {
    const presented = bearerToken(req.headers.authorization);
    if (!presented) return false;
    const digest = sha256(presented);
    return keyDigests.reduce((ok, key) => safeEqual(digest, key) || ok, false);
  };
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (authorized(req)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'unauthorized', message: 'a valid bearer AGENT_API_KEY is required' });
  };
}
