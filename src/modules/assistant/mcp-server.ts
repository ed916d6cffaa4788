// The low-level server, not McpServer: the tools publish the JSON Schemas of /api/tools and answer a bad
// argument with the HTTP API's own code and message, so arguments are validated here, not by the SDK.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import {
  getEmailStatusInput,
  parseSendEmail,
  parseToolInput,
  stagedAnswer,
  stagedEmail,
} from '../send/tool-contract';
import type { SendModule } from '../send/api';
import type { GetConnectionStatus } from './domain/connection-status';
import { refusal, success, type ToolResult } from './tool-results';
import {
  CONNECTION_STATUS_FIELDS,
  getConnectionStatusInput,
  jsonSchemaOf,
  TOOLS,
  type ToolDefinition,
} from './tools';
import { connectionText, stagedText, statusText } from './tool-texts';

export interface AssistantTools {
  send: Pick<SendModule, 'stage' | 'status'>;
  connectionStatus: GetConnectionStatus;
  log: Logger;
}

const INSTRUCTIONS =
  'Mailbridge lets you prepare emails from the Gmail account of the Slack user who asked you for them. You can never send an email yourself: send_email shows the person a preview in Slack, and only their click on Send sends it.';

/** One tool call, from its arguments to the result the model reads. Nothing here can send an email. */
function runners(t: AssistantTools): Record<ToolDefinition['name'], (args: unknown) => Promise<ToolResult>> {
  return {
    async send_email(args) {
      const staged = await t.send.stage(parseSendEmail(args));
      const { id, status, expires_at } = stagedAnswer(staged);
      return success(stagedText(staged), { id, status, expires_at });
    },
    async get_email_status(args) {
      const { id } = parseToolInput(getEmailStatusInput, args, 'id');
      const view = await stagedEmail(t.send.status, id);
      return success(statusText(view), { ...view });
    },
    async get_connection_status(args) {
      const input = parseToolInput(getConnectionStatusInput, args, CONNECTION_STATUS_FIELDS);
      const view = await t.connectionStatus(input.trigger_message_ts, input.channel_id);
      return success(connectionText(view), { ...view });
    },
  };
}

/** A server for one stateless MCP exchange: it lists the tools and runs them. */
export function createMcpServer(t: AssistantTools) {
  const server = new Server(
    { name: 'mailbridge', version: '1.0.0' },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  const run = runners(t);
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: TOOLS.map((tool) => ({
      name: tool.name,
      title: tool.annotations.title,
      description: tool.description,
      inputSchema: jsonSchemaOf(tool.input) as { type: 'object' },
      annotations: tool.annotations,
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const name = req.params.name as ToolDefinition['name'];
    if (!Object.hasOwn(run, name)) throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${name}`);
    return run[name](req.params.arguments ?? {}).catch((err: unknown) =>
      refusal(err, t.log.child({ tool: name })),
    );
  });
  return server;
}
