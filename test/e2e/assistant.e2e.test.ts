import { randomBytes } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SEND_SCOPE, READONLY_SCOPE, seedConnection } from '../helpers/connect';
import {
  DEFAULT_DRAFT,
  callTool,
  clickButton,
  draftRow,
  draftStatus,
  freshTs,
  postTrigger,
  requestDraft,
  sendRequestCount,
  useSendStack,
  waitForPreview,
  waitForResponse,
} from '../helpers/send-flow';
import { eventually } from '../helpers/stack';

const CHANNEL = 'C0MCPTEST';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface FunctionTool {
  name: string;
  parameters: Record<string, unknown>;
  http: { method: string; path: string };
}

interface Operation {
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
}

interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

interface ToolCall {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: Array<{ type: string; text?: string }>;
}

describe('the assistant over MCP and function calling', () => {
  let seq = 0;
  const ctx = useSendStack({ AGENT_API_KEY: randomBytes(24).toString('hex') });
  const clients: Client[] = [];

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  async function mcpClient(key: string | null = ctx.stack.env.AGENT_API_KEY!): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(`${ctx.stack.baseUrl}/mcp`), {
      requestInit: { headers: key ? { authorization: `Bearer ${key}` } : {} },
    });
    const client = new Client({ name: 'mailbridge-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  const call = async (client: Client, name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolCall;

  async function person(scopes?: string[]) {
    const userId = `U${String(++seq).padStart(4, '0')}MCP`;
    ctx.stack.slack.addUser({ id: userId, name: `mcp${seq}` });
    return { userId, email: `mcp${seq}@example.com`, scopes };
  }

  async function connectedPerson(scopes = [SEND_SCOPE]) {
    const p = await person(scopes);
    const connection = await seedConnection(ctx.stack, { userId: p.userId, email: p.email, scopes });
    return { ...p, connectionId: connection.id };
  }

  it('when the tools are listed, then the three tools come with their annotations and JSON Schemas', async () => {
    const client = await mcpClient();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'get_connection_status',
      'get_email_status',
      'send_email',
    ]);
    const send = tools.find((t) => t.name === 'send_email')!;
    expect(send.annotations).toMatchObject({
      destructiveHint: true,
      openWorldHint: true,
      idempotentHint: false,
    });
    expect(send.description).toMatch(/click(s)? Send/);
    expect(send.inputSchema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['trigger_message_ts', 'to', 'subject', 'body'],
    });
    expect(Object.keys(send.inputSchema.properties ?? {}).sort()).toEqual(
      ['bcc', 'body', 'cc', 'channel_id', 'in_reply_to', 'subject', 'to', 'trigger_message_ts'].sort(),
    );
    for (const name of ['get_email_status', 'get_connection_status']) {
      expect(tools.find((t) => t.name === name)!.annotations).toMatchObject({ readOnlyHint: true });
    }
  });

  it('when send_email is called, then the preview is posted in Slack and nothing is sent until the click on Send', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedPerson();
    const client = await mcpClient();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const since = stack.slack.messages.length;
    const sentBefore = sendRequestCount(stack);

    const result = await call(client, 'send_email', { trigger_message_ts: ts, ...DEFAULT_DRAFT });

    expect(result.isError).toBeFalsy();
    const { id, status, expires_at } = result.structuredContent as Record<string, string>;
    expect(result.structuredContent).toEqual({ id, status: 'pending_confirmation', expires_at });
    expect(status).toBe('pending_confirmation');
    expect(Date.parse(expires_at!)).toBeGreaterThan(Date.now());
    expect(result.content[0]!.text).toMatch(/click Send/);
    expect(result.content[0]!.text).toContain('get_email_status');
    const preview = await waitForPreview(stack, userId, since);
    expect(preview.message.text).toContain('bob@example.com');
    expect((await draftRow(db, id!)).status).toBe('pending');
    expect(sendRequestCount(stack)).toBe(sentBefore);
    expect(stack.google.sent(email)).toHaveLength(0);

    const pending = await call(client, 'get_email_status', { id });
    expect(pending.structuredContent).toMatchObject({
      id,
      status: 'pending_confirmation',
      recipient_count: 1,
    });

    const clicked = stack.slack.messages.length;
    await clickButton(stack, { userId, value: preview.buttons.send, channelId: CHANNEL });
    await waitForResponse(stack, userId, clicked, (m) => /Sent to/.test(m.text ?? ''));
    expect(stack.google.sent(email)).toHaveLength(1);
    const sent = await eventually(async () => {
      const r = await call(client, 'get_email_status', { id });
      expect(r.structuredContent).toMatchObject({ status: 'sent' });
      return r;
    });
    // Same answer as the HTTP tool API's status route.
    const http = await callTool(stack, undefined, { method: 'GET', path: `/api/tools/send-email/${id}` });
    expect(sent.structuredContent).toEqual(http.json);
  });

  it('when send_email answers an email with in_reply_to, then the reply is threaded; without the notification scope it is refused like the HTTP API', async () => {
    const { stack } = ctx;
    const client = await mcpClient();
    const { userId, email } = await connectedPerson([SEND_SCOPE, READONLY_SCOPE]);
    const received = stack.google.deliver(email, {
      from: 'Ana <ana@example.org>',
      subject: 'Lunch',
      headers: { 'Message-ID': '<lunch@example.org>' },
    });
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const since = stack.slack.messages.length;
    const args = { trigger_message_ts: ts, to: ['ana@example.org'], subject: '', body: 'Yes!' };

    const result = await call(client, 'send_email', { ...args, in_reply_to: received.id });

    expect(result.isError).toBeFalsy();
    const preview = await waitForPreview(stack, userId, since);
    expect(JSON.stringify(preview.message.blocks)).toContain('*In reply to:* Ana &lt;ana@example.org&gt;');
    const clicked = stack.slack.messages.length;
    await clickButton(stack, { userId, value: preview.buttons.send, channelId: CHANNEL });
    await waitForResponse(stack, userId, clicked, (m) => /Sent to/.test(m.text ?? ''));
    const [sent] = stack.google.sent(email);
    expect(sent).toMatchObject({
      threadId: received.threadId,
      headers: {
        subject: 'Re: Lunch',
        'in-reply-to': '<lunch@example.org>',
        references: '<lunch@example.org>',
      },
    });

    const other = await connectedPerson([SEND_SCOPE]);
    const otherMail = stack.google.deliver(other.email, { from: 'ana@example.org', subject: 'Hi' });
    const otherTs = await postTrigger(stack, { userId: other.userId, channelId: CHANNEL });
    const refusedArgs = { ...args, trigger_message_ts: otherTs, in_reply_to: otherMail.id };
    const viaMcp = await call(client, 'send_email', refusedArgs);
    const viaHttp = await callTool(stack, {
      ...refusedArgs,
      trigger_message_ts: await postTrigger(stack, { userId: other.userId, channelId: CHANNEL }),
    });
    expect(viaHttp.status).toBe(409);
    expect(viaMcp).toMatchObject({ isError: true, structuredContent: viaHttp.json });
    expect(viaMcp.structuredContent).toMatchObject({ error: 'scope_missing' });
    expect(viaMcp.content[0]!.text).toContain('/ai-email-notifications on');
  });

  it('when send_email is refused, then the result is an error with the HTTP API’s code and message', async () => {
    const { stack } = ctx;
    const { userId } = await person();
    const client = await mcpClient();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const args = { trigger_message_ts: ts, ...DEFAULT_DRAFT };

    const viaMcp = await call(client, 'send_email', args);
    const viaHttp = await callTool(stack, args);

    expect(viaHttp.status).toBe(409);
    expect(viaMcp.isError).toBe(true);
    expect(viaMcp.structuredContent).toEqual(viaHttp.json);
    expect(viaMcp.structuredContent).toMatchObject({ error: 'not_connected' });
    expect(viaMcp.content[0]!.text).toContain(viaHttp.json.message as string);
    expect(viaMcp.content[0]!.text).toContain('/ai-email-connect');

    const extra = { ...args, from: 'evil@example.com' };
    const unknownField = await call(client, 'send_email', extra);
    expect(unknownField).toMatchObject({
      isError: true,
      structuredContent: (await callTool(stack, extra)).json,
    });
    expect(unknownField.structuredContent).toMatchObject({ error: 'unknown_field', field: 'from' });

    const missing = await call(client, 'get_email_status', { id: UNKNOWN_ID });
    expect(missing).toMatchObject({ isError: true, structuredContent: { error: 'not_found' } });
  });

  it('when get_connection_status is asked about a trigger, then it answers about that message’s author only', async () => {
    const { stack, db } = ctx;
    const client = await mcpClient();
    const connected = await connectedPerson([SEND_SCOPE, READONLY_SCOPE]);
    await db.query(
      `INSERT INTO mailboxes (id, connection_id, team_id, user_id, email, enabled, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, true, now())`,
      [connected.connectionId, stack.slack.teamId, connected.userId, connected.email],
    );
    const stranger = await person();

    const ts = await postTrigger(stack, { userId: connected.userId, channelId: CHANNEL });
    const yes = await call(client, 'get_connection_status', { trigger_message_ts: ts });
    expect(yes.isError).toBeFalsy();
    expect(yes.structuredContent).toEqual({
      connected: true,
      status: 'connected',
      email: connected.email,
      permissions: ['send', 'read'],
      notifications: 'on',
    });

    const otherTs = await postTrigger(stack, { userId: stranger.userId, channelId: CHANNEL });
    const no = await call(client, 'get_connection_status', { trigger_message_ts: otherTs });
    expect(no.structuredContent).toEqual({ connected: false, status: 'not_connected' });
    expect(no.content[0]!.text).toContain('/ai-email-connect');
    expect(JSON.stringify(no)).not.toContain(connected.email);

    const unknown = await call(client, 'get_connection_status', { trigger_message_ts: freshTs() });
    expect(unknown).toMatchObject({ isError: true, structuredContent: { error: 'unknown_trigger' } });
    const bot = await postTrigger(stack, { botId: 'B0MCPBOT', channelId: CHANNEL });
    expect(await call(client, 'get_connection_status', { trigger_message_ts: bot })).toMatchObject({
      isError: true,
      structuredContent: { error: 'trigger_not_human' },
    });
  });

  it('when the bearer key is missing or wrong, then /mcp and /api/tools answer 401', async () => {
    const { stack } = ctx;
    await expect(mcpClient(null)).rejects.toMatchObject({ code: 401, message: /unauthorized/ });
    await expect(mcpClient('x'.repeat(48))).rejects.toMatchObject({ code: 401, message: /unauthorized/ });
    const raw = await fetch(`${stack.baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
    expect(await callTool(stack, undefined, { method: 'GET', path: '/api/tools', key: null })).toMatchObject({
      status: 401,
      json: { error: 'unauthorized' },
    });
    const key = stack.env.AGENT_API_KEY!;
    expect(JSON.stringify(stack.server.logs)).not.toContain(key);
  });

  it('when the tool schemas and the OpenAPI document are read, then both carry the routes’ own JSON Schemas', async () => {
    const { stack } = ctx;
    const tools = await callTool(stack, undefined, { method: 'GET', path: '/api/tools' });
    expect(tools.status).toBe(200);
    const list = tools.json.tools as FunctionTool[];
    expect(list.map((t) => [t.name, t.http])).toEqual([
      ['send_email', { method: 'POST', path: '/api/tools/send-email' }],
      ['get_email_status', { method: 'GET', path: '/api/tools/send-email/{id}' }],
      ['get_connection_status', { method: 'GET', path: '/api/tools/connection-status' }],
    ]);
    // A caller runs a listed tool by its route, as the README's example does.
    const status = list.find((t) => t.name === 'get_email_status')!.http;
    const byRoute = await fetch(`${stack.baseUrl}${status.path.replace('{id}', UNKNOWN_ID)}`, {
      method: status.method,
      headers: { authorization: `Bearer ${stack.env.AGENT_API_KEY}`, 'content-type': 'application/json' },
    });
    expect(byRoute.status).toBe(404);
    expect(await byRoute.json()).toMatchObject({ error: 'not_found' });
    const mcpTools = (await (await mcpClient()).listTools()).tools;
    for (const t of list) expect(t.parameters).toEqual(mcpTools.find((m) => m.name === t.name)!.inputSchema);

    const res = await fetch(`${stack.baseUrl}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDocument;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/tools/send-email',
        '/api/tools/send-email/{id}',
        '/api/tools/connection-status',
        '/api/tools',
      ]),
    );
    const post = doc.paths['/api/tools/send-email']!.post!;
    expect(post.requestBody!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/SendEmailRequest',
    });
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '403', '404', '409', '410', '429', '502']),
    );
    expect(doc.paths['/api/tools/send-email/{id}']!.get!.responses['404']).toBeDefined();
    expect(doc.components.schemas.SendEmailRequest).toEqual(list[0]!.parameters);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const ref of JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? []) {
      expect(doc.components.schemas[ref.split('/').pop()!]).toBeDefined();
    }
  });

  const connectionStatus = (ts: string | undefined, key?: string | null, extra = '') =>
    callTool(ctx.stack, undefined, {
      method: 'GET',
      path: `/api/tools/connection-status?trigger_message_ts=${ts ?? ''}${extra}`,
      key,
    });

  it('when get_connection_status is called by its route, then it answers as the MCP tool does, refusals included', async () => {
    const { stack } = ctx;
    const client = await mcpClient();
    const connected = await connectedPerson([SEND_SCOPE]);
    const stranger = await person();
    const ts = await postTrigger(stack, { userId: connected.userId, channelId: CHANNEL });
    const otherTs = await postTrigger(stack, { userId: stranger.userId, channelId: CHANNEL });

    expect(await connectionStatus(ts, null)).toMatchObject({ status: 401, json: { error: 'unauthorized' } });

    const yes = await connectionStatus(ts);
    expect(yes).toEqual({
      status: 200,
      json: {
        connected: true,
        status: 'connected',
        email: connected.email,
        permissions: ['send'],
        notifications: 'off',
      },
    });
    expect(yes.json).toEqual(
      (await call(client, 'get_connection_status', { trigger_message_ts: ts })).structuredContent,
    );

    const no = await connectionStatus(otherTs);
    expect(no).toEqual({ status: 200, json: { connected: false, status: 'not_connected' } });

    const unknownTs = freshTs();
    const unknown = await connectionStatus(unknownTs);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual(
      (await call(client, 'get_connection_status', { trigger_message_ts: unknownTs })).structuredContent,
    );
    expect(unknown.json).toMatchObject({ error: 'unknown_trigger' });

    const extra = await connectionStatus(ts, undefined, '&on_behalf_of=U0OTHER');
    expect(extra.status).toBe(400);
    expect(extra.json).toEqual(
      (await call(client, 'get_connection_status', { trigger_message_ts: ts, on_behalf_of: 'U0OTHER' }))
        .structuredContent,
    );
    expect(await connectionStatus(undefined)).toMatchObject({
      status: 400,
      json: { error: 'invalid_request' },
    });
  });

  it('when the routes answer, then each answer fits its response schema in the OpenAPI document', async () => {
    const { stack } = ctx;
    const doc = (await (await fetch(`${stack.baseUrl}/api/openapi.json`)).json()) as OpenApiDocument;
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    const fits = (name: string, answer: unknown) => {
      const validate = ajv.compile(doc.components.schemas[name] as object);
      expect({ name, valid: validate(answer), errors: validate.errors ?? null }).toEqual({
        name,
        valid: true,
        errors: null,
      });
    };
    const responseOf = (path: string, method: string, status: string) =>
      (
        doc.paths[path]![method]!.responses[status] as {
          content: Record<string, { schema: { $ref: string } }>;
        }
      ).content['application/json']!.schema.$ref.split('/').pop()!;
    const { userId } = await connectedPerson();

    const { answer: staged } = await requestDraft(stack, { userId, channelId: CHANNEL });
    expect(staged.status).toBe(202);
    fits(responseOf('/api/tools/send-email', 'post', '202'), staged.json);

    const status = await draftStatus(stack, staged.json.id as string);
    expect(status.status).toBe(200);
    fits(responseOf('/api/tools/send-email/{id}', 'get', '200'), status.json);

    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    fits(responseOf('/api/tools/connection-status', 'get', '200'), (await connectionStatus(ts)).json);

    const refused = await callTool(stack, {
      trigger_message_ts: ts,
      ...DEFAULT_DRAFT,
      to: ['not an address'],
    });
    expect(refused.status).toBe(400);
    fits(responseOf('/api/tools/send-email', 'post', '400'), refused.json);
    // The schemas are strict enough to refuse an answer that is not one.
    expect(
      ajv.compile(doc.components.schemas.EmailStatus as object)({ ...status.json, status: 'gone' }),
    ).toBe(false);
  });
});
