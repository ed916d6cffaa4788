import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AssistantNeeds } from './api';
import { createConnectionStatus } from './domain/connection-status';
import assistantRoutes from './mcp-http';
import openApiRoutes from './openapi-http';
import functionToolRoutes from './tools-http';

/** Composes the assistant's interfaces: MCP, the tool schemas and the OpenAPI description. */
export default async function assistantModule(
  app: FastifyInstance,
  { send, triggers, connect }: AssistantNeeds,
): Promise<void> {
  const { config } = app;
  const connectionStatus = createConnectionStatus({
    triggers,
    connections: connect.connections,
    mailboxes: connect.mailboxes,
    clock: app.clock,
    allowExternalAuthors: config.ALLOW_SLACK_CONNECT_TRIGGERS,
  });
  const log = app.log.child({ component: 'assistant' }) as Logger;
  await app.register(assistantRoutes, { apiKeys: config.AGENT_API_KEYS, send, connectionStatus, log });
  await app.register(functionToolRoutes, { apiKeys: config.AGENT_API_KEYS, connectionStatus });
  await app.register(openApiRoutes, { publicBaseUrl: config.PUBLIC_BASE_URL });
}
