import type { FastifyInstance } from 'fastify';

/** Composes the send feature: its routes, Slack listeners, jobs and connection hooks. */
export default async function sendFeature(_app: FastifyInstance): Promise<void> {}
