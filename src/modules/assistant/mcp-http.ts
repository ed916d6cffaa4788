import type { FastifyInstance } from 'fastify';
import { requireAgentKey } from '../../shared/agent-auth';
import type { AssistantTools } from './mcp-server';

export interface AssistantRouteOptions extends AssistantTools {
  apiKeys: readonly string[];
}

/**
 * The MCP SDK (and the schema validator it brings) is loaded by the first MCP request, not at start-up:
 * most machines' time and memory go to pushes and clicks, and the SDK is the largest module left. It is
 * required (not `import()`ed) so that it is the same CommonJS build as everywhere else in the process.
 */
type McpModules = [
  typeof import('./mcp-server'),
  typeof import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
];
let sdk: McpModules | undefined;
const loadSdk = (): McpModules =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (sdk ??= [require('./mcp-server'), require('@modelcontextprotocol/sdk/server/streamableHttp.js')]);

/**
 * POST /mcp (streamable HTTP, stateless), behind the assistant's bearer key. Each MCP request gets a server
 * and transport of its own: no session outlives its request, so any machine can answer.
 */
export default async function assistantRoutes(app: FastifyInstance, opts: AssistantRouteOptions) {
  const { apiKeys, ...tools } = opts;
  app.addHook('onRequest', requireAgentKey(apiKeys));

  app.post('/mcp', { bodyLimit: 512 * 1024 }, async (req, reply) => {
    const [{ createMcpServer }, { StreamableHTTPServerTransport }] = loadSdk();
    const server = createMcpServer(tools);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    reply.hijack();
    try {
      await server.connect(transport);
      await transport.handleRequest(req.raw, reply.raw, req.body);
    } catch (err) {
      req.log.error({ err }, 'mcp request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(
          JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null }),
        );
      }
    }
  });

  // Stateless: there is no stream to open (GET) and no session to end (DELETE).
  const notAllowed = { error: 'method_not_allowed', message: 'this MCP endpoint accepts POST only' };
  app.get('/mcp', (_req, reply) => reply.code(405).header('allow', 'POST').send(notAllowed));
  app.delete('/mcp', (_req, reply) => reply.code(405).header('allow', 'POST').send(notAllowed));
}
