import { randomBytes, randomInt } from 'node:crypto';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SEND_SCOPE, seedConnection } from '../helpers/connect';
import type { Stack } from '../helpers/stack';
import {
  CANCEL_ACTION,
  DEFAULT_DRAFT,
  clickButton,
  draftStatus,
  postTrigger,
  stageDraft,
  useSendStack,
  waitForPreview,
} from '../helpers/send-flow';
import { eventually } from '../helpers/stack';

const CHANNEL = 'C0POLICYTEST';

interface Answer {
  status: number;
  json: Record<string, unknown>;
  replayed: boolean;
}

/** The assistant's send_email call, with extra headers (Idempotency-Key). */
async function send(stack: Stack, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${stack.baseUrl}/api/tools/send-email`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${stack.env.AGENT_API_KEY!.split(',')[0]}`,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    replayed: res.headers.get('idempotent-replayed') === 'true',
  };
}

/** Random order and spacing of the same calls: parallel requests meet the server in any interleaving. */
const jittered = <T>(fns: Array<() => Promise<T>>) =>
  Promise.all(
    fns.map(async (fn) => {
      await new Promise((r) => setTimeout(r, randomInt(0, 15)));
      return fn();
    }),
  );

describe('send_email retries and identical requests', () => {
  let seq = 0;
  const ctx = useSendStack({ GMAIL_DRAFTS_USER_HOURLY_LIMIT: '1000' });

  async function connectedUser() {
    const userId = `U${String(++seq).padStart(4, '0')}IDEM`;
    ctx.stack.slack.addUser({ id: userId, name: `idem${seq}` });
    await seedConnection(ctx.stack, { userId, email: `idem${seq}@example.com`, scopes: [SEND_SCOPE] });
    return userId;
  }
  const draftsOf = async (ts: string) =>
    (await ctx.db.query<{ id: string }>('SELECT id FROM email_drafts WHERE trigger_ts = $1', [ts])).rows.map(
      (r) => r.id,
    );
  const previewsOf = (userId: string, since: number) =>
    ctx.stack.slack.messages.filter((m, i) => i >= since && m.kind === 'postEphemeral' && m.user === userId)
      .length;

  it('when a request is retried with its Idempotency-Key, then the same draft and answer come back, and another body is a 409', async () => {
    const { stack } = ctx;
    const userId = await connectedUser();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const since = stack.slack.messages.length;
    const key = `retry-${randomBytes(8).toString('hex')}`;
    const body = { trigger_message_ts: ts, ...DEFAULT_DRAFT };
    const first = await send(stack, body, { 'Idempotency-Key': key });
    expect(first).toMatchObject({ status: 202, replayed: false, json: { status: 'pending_confirmation' } });
    await waitForPreview(stack, userId, since);
    // Key order and spacing do not make another body.
    const reordered = `{ "body": ${JSON.stringify(body.body)}, "subject": ${JSON.stringify(body.subject)}, "to": ${JSON.stringify(body.to)}, "trigger_message_ts": "${ts}" }`;
    const again = await send(stack, reordered, { 'Idempotency-Key': key });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await draftsOf(ts)).toEqual([first.json.id]);
    expect(previewsOf(userId, since)).toBe(1);

    const other = await send(stack, { ...body, subject: 'Another email' }, { 'Idempotency-Key': key });
    expect(other.status).toBe(409);
    expect(other.json).toMatchObject({ error: 'idempotency_key_reused', field: 'Idempotency-Key' });
    expect(await draftsOf(ts)).toHaveLength(1);
  });

  it('when a keyed request was refused, then its retry gets the same refusal; a malformed key is a 400', async () => {
    const { stack } = ctx;
    const key = `refused-${randomBytes(8).toString('hex')}`;
    const body = { trigger_message_ts: '1700000000.000001', ...DEFAULT_DRAFT, to: ['not an address'] };
    const first = await send(stack, body, { 'Idempotency-Key': key });
    expect(first.status).toBe(400);
    expect(await send(stack, body, { 'Idempotency-Key': key })).toEqual({ ...first, replayed: true });
    for (const bad of ['x'.repeat(256), 'tab\there', 'é']) {
      const answer = await send(stack, body, { 'Idempotency-Key': bad });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: 'invalid_idempotency_key' });
    }
  });

  it('when a keyed request is retried, then the replay is the first answer byte for byte, a staged email and a refusal alike', async () => {
    const { stack } = ctx;
    const userId = await connectedUser();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const raw = async (body: unknown, key: string) => {
      const res = await fetch(`${stack.baseUrl}/api/tools/send-email`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${stack.env.AGENT_API_KEY!.split(',')[0]}`,
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        bytes: Buffer.from(await res.arrayBuffer()),
      };
    };
    for (const body of [
      { trigger_message_ts: ts, ...DEFAULT_DRAFT },
      { trigger_message_ts: ts, ...DEFAULT_DRAFT, to: ['not an address'] },
    ]) {
      const key = `bytes-${randomBytes(8).toString('hex')}`;
      const first = await raw(body, key);
      const again = await raw(body, key);
      expect(again.status).toBe(first.status);
      expect(again.type).toBe(first.type);
      expect(again.bytes.equals(first.bytes)).toBe(true);
    }
  });

  it("when a keyed request was refused because of the person's state (not connected), then a retry with the key after connecting stages", async () => {
    const { stack } = ctx;
    const userId = `U${String(++seq).padStart(4, '0')}IDEM`;
    stack.slack.addUser({ id: userId, name: `idem${seq}` });
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const key = `state-${randomBytes(8).toString('hex')}`;
    const body = { trigger_message_ts: ts, ...DEFAULT_DRAFT };
    const refused = await send(stack, body, { 'Idempotency-Key': key });
    expect(refused).toMatchObject({ status: 409, json: { error: 'not_connected' }, replayed: false });
    await seedConnection(stack, { userId, email: `idem${seq}@example.com`, scopes: [SEND_SCOPE] });
    const staged = await send(stack, body, { 'Idempotency-Key': key });
    expect(staged).toMatchObject({ status: 202, replayed: false, json: { status: 'pending_confirmation' } });
    expect(await send(stack, body, { 'Idempotency-Key': key })).toEqual({ ...staged, replayed: true });
    // A trigger Slack has not told us of yet is state too: not kept.
    const unknownKey = `unknown-${randomBytes(8).toString('hex')}`;
    const unknown = { ...body, trigger_message_ts: '1700000000.999999' };
    expect(await send(stack, unknown, { 'Idempotency-Key': unknownKey })).toMatchObject({
      status: 404,
      replayed: false,
    });
    expect(await send(stack, unknown, { 'Idempotency-Key': unknownKey })).toMatchObject({
      status: 404,
      replayed: false,
    });
  });

  it('when requests with one key arrive in parallel, then one draft is staged and every answer is its answer (10 rounds)', async () => {
    const { stack } = ctx;
    for (let round = 0; round < 10; round += 1) {
      const userId = await connectedUser();
      const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
      const key = `race-${round}-${randomBytes(6).toString('hex')}`;
      const body = { trigger_message_ts: ts, ...DEFAULT_DRAFT, subject: `Round ${round}` };
      const answers = await jittered(
        Array.from(
          { length: 2 + randomInt(0, 6) },
          () => () => send(stack, body, { 'Idempotency-Key': key }),
        ),
      );
      const ids = await draftsOf(ts);
      expect(ids).toHaveLength(1);
      for (const a of answers)
        expect({ status: a.status, json: a.json }).toEqual({ status: 202, json: answers[0]!.json });
      expect(answers[0]!.json.id).toBe(ids[0]);
      expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    }
  });

  it('when an identical request comes without a key while its draft is pending, then that draft is answered, and once cancelled a new one is staged', async () => {
    const { stack } = ctx;
    const userId = await connectedUser();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const since = stack.slack.messages.length;
    const body = { trigger_message_ts: ts, ...DEFAULT_DRAFT };
    const first = await send(stack, body);
    const { buttons } = await waitForPreview(stack, userId, since);
    expect(await send(stack, body)).toMatchObject({ status: 202, json: first.json });
    const changed = await send(stack, { ...body, body: `${DEFAULT_DRAFT.body} ` });
    expect(changed.json.id).not.toBe(first.json.id);
    expect(previewsOf(userId, since)).toBe(2);

    await clickButton(stack, { userId, value: buttons.cancel, channelId: CHANNEL, actionId: CANCEL_ACTION });
    await eventually(
      async () => (await draftStatus(stack, first.json.id as string)).json.status === 'cancelled',
    );
    const after = await send(stack, body);
    expect(after.status).toBe(202);
    expect(after.json.id).not.toBe(first.json.id);
    expect(await draftsOf(ts)).toHaveLength(3);
  });

  it('when the MCP send_email is called again with the same arguments (or over HTTP) while pending, then the same email is answered', async () => {
    const { stack } = ctx;
    const userId = await connectedUser();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const transport = new StreamableHTTPClientTransport(new URL(`${stack.baseUrl}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${stack.env.AGENT_API_KEY!.split(',')[0]}` } },
    });
    const client = new McpClient({ name: 'policy-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const args = { trigger_message_ts: ts, ...DEFAULT_DRAFT };
      const results = await jittered(
        Array.from({ length: 4 }, () => () => client.callTool({ name: 'send_email', arguments: args })),
      );
      const ids = results.map((r) => (r.structuredContent as { id?: string } | undefined)?.id);
      expect(new Set(ids).size).toBe(1);
      expect(await draftsOf(ts)).toEqual([ids[0]]);
      expect((await send(stack, args)).json.id).toBe(ids[0]);
    } finally {
      await client.close();
    }
  });

  it('when an identical request adds or drops channel_id or an empty cc, then it is still the same email', async () => {
    const { stack } = ctx;
    const userId = await connectedUser();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const since = stack.slack.messages.length;
    const body = { trigger_message_ts: ts, ...DEFAULT_DRAFT };
    const first = await send(stack, { ...body, channel_id: CHANNEL, cc: [] });
    expect(first.status).toBe(202);
    expect(await send(stack, body)).toMatchObject({ status: 202, json: { id: first.json.id } });
    expect(await send(stack, { ...body, bcc: [] })).toMatchObject({
      status: 202,
      json: { id: first.json.id },
    });
    expect(await draftsOf(ts)).toEqual([first.json.id]);
    expect(previewsOf(userId, since)).toBe(1);
  });

  it('when identical requests without a key arrive in parallel, then one draft is staged (10 rounds)', async () => {
    const { stack } = ctx;
    for (let round = 0; round < 10; round += 1) {
      const userId = await connectedUser();
      const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
      const body = { trigger_message_ts: ts, ...DEFAULT_DRAFT, subject: `Plain round ${round}` };
      const answers = await jittered(
        Array.from({ length: 2 + randomInt(0, 6) }, () => () => send(stack, body)),
      );
      const ids = await draftsOf(ts);
      expect(ids).toHaveLength(1);
      for (const a of answers) expect(a).toMatchObject({ status: 202, json: { id: ids[0] } });
    }
  });
});

describe('recipient policy', () => {
  const ctx = useSendStack({
    SEND_ALLOWED_DOMAINS: 'example.com,Partner.org',
    SEND_BLOCKED_DOMAINS: 'blocked.example.net',
  });

  it('when a recipient is outside the allowed domains or in a blocked one, then staging is refused naming the address', async () => {
    const { stack } = ctx;
    const userId = 'U0POLICY01';
    stack.slack.addUser({ id: userId, name: 'policy' });
    await seedConnection(stack, { userId, email: 'policy@example.com', scopes: [SEND_SCOPE] });
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const base = { trigger_message_ts: ts, ...DEFAULT_DRAFT };

    const outside = await send(stack, { ...base, cc: ['ok@partner.org', 'Eve <eve@mail.example.com>'] });
    expect(outside.status).toBe(400);
    expect(outside.json).toMatchObject({
      error: 'recipient_domain_not_allowed',
      field: 'cc[1]',
      address: 'eve@mail.example.com',
      message: expect.stringContaining('eve@mail.example.com'),
    });
    const blocked = await send(stack, { ...base, bcc: ['x@blocked.example.net'] });
    expect(blocked.status).toBe(400);
    expect(blocked.json).toMatchObject({
      error: 'recipient_domain_blocked',
      field: 'bcc[0]',
      address: 'x@blocked.example.net',
    });
    expect((await ctx.db.query('SELECT 1 FROM email_drafts WHERE trigger_ts = $1', [ts])).rowCount).toBe(0);

    const since = stack.slack.messages.length;
    const fine = await send(stack, { ...base, to: ['Bob@EXAMPLE.com'], cc: ['ok@partner.org'] });
    expect(fine.status).toBe(202);
    await waitForPreview(stack, userId, since);
  });

  it('when the owner edits a recipient into a refused domain, then the Edit modal shows it on the field and nothing changes', async () => {
    const { stack } = ctx;
    const userId = 'U0POLICY02';
    stack.slack.addUser({ id: userId, name: 'policy2' });
    await seedConnection(stack, { userId, email: 'policy2@example.com', scopes: [SEND_SCOPE] });
    const staged = await stageDraft(stack, { userId, channelId: CHANNEL }, { to: ['bob@example.com'] });
    const edit = (
      staged.message.blocks as Array<{
        type: string;
        elements?: Array<{ action_id?: string; value?: string }>;
      }>
    )
      .find((b) => b.type === 'actions')
      ?.elements?.find((e) => e.action_id === 'send_email_edit')?.value;
    await clickButton(stack, { userId, value: edit!, actionId: 'send_email_edit', channelId: CHANNEL });
    await stack.slack.waitForView(
      (v) => v.callback_id === 'send_email_edit' && stack.slack.topModal(userId)?.id === v.id,
    );

    const refused = await stack.slack.submitView({
      userId,
      values: { edit_to: { value: 'bob@example.com\nx@blocked.example.net' } },
    });
    expect(refused.responseAction).toBe('errors');
    expect(refused.errors?.edit_to).toContain('x@blocked.example.net');
    const row = await ctx.db.query<{ version: number }>('SELECT version FROM email_drafts WHERE id = $1', [
      staged.id,
    ]);
    expect(row.rows[0]!.version).toBe(1);
  });
});
