import type { FastifyInstance } from 'fastify';
import { openApiDocument } from './openapi';

/** GET /api/openapi.json: describes the HTTP tool API; open to all, as it holds nothing but the contract. */
export default async function openApiRoutes(app: FastifyInstance, opts: { publicBaseUrl: string }) {
  const document = openApiDocument(opts.publicBaseUrl);
  app.get('/api/openapi.json', async () => document);
}
