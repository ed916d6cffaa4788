import type { FastifyInstance } from 'fastify';

/** Composes the notify feature: its routes, Slack listeners, jobs and connection hooks. */
export default async function notifyFeature(_app: FastifyInstance): Promise<void> {}
