import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { requireAgentKey } from '../../shared/agent-auth';
import { answerErrors } from '../../shared/http-errors';
import { parseToolInput, SEND_HTTP_STATUS } from '../send/tool-contract';
import type { GetConnectionStatus } from './domain/connection-status';
import {
  CONNECTION_STATUS_FIELDS,
  connectionStatusAnswer,
  getConnectionStatusInput,
  jsonSchemaOf,
  TOOLS,
} from './tools';

export interface FunctionToolOptions {
  apiKeys: readonly string[];
  connectionStatus: GetConnectionStatus;
}

/**
 * GET /api/tools and the routes of the tools that only the assistant module answers, behind the assistant's
 * bearer key; refusals carry the tool API's codes, messages and statuses, as over MCP.
 */
export default async function functionToolRoutes(app: FastifyInstance, opts: FunctionToolOptions) {
  app.setErrorHandler(answerErrors(SEND_HTTP_STATUS));
  app.addHook('onRequest', requireAgentKey(opts.apiKeys));

  app.get('/api/tools', async () => ({ tools: TOOLS.filter((t) => t.http).map(functionTool) }));

  app.get('/api/tools/connection-status', async (req): Promise<z.infer<typeof connectionStatusAnswer>> => {
    const input = parseToolInput(getConnectionStatusInput, req.query, CONNECTION_STATUS_FIELDS);
    return opts.connectionStatus(input.trigger_message_ts, input.channel_id);
  });
}

/** A tool for assistants that call functions: its JSON Schema and the HTTP route that runs it. */
const functionTool = (t: (typeof TOOLS)[number]) => ({
  name: t.name,
  description: t.description,
  parameters: jsonSchemaOf(t.input),
  annotations: t.annotations,
  http: t.http,
});
