import type { FastifyInstance } from 'fastify';

/** Composes the connect feature: its routes, Slack listeners, jobs and connection hooks. */
export default async function connectFeature(_app: FastifyInstance): Promise<void> {}
