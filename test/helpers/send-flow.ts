import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { PostedMessage } from '@mailbridge/slack-emulator';
import { startStack, type Stack } from './stack';

export const SEND_ACTION = 'send_email_send';
export const CANCEL_ACTION = 'send_email_cancel';

let tsSeq = 0;
/** A Slack ts for "now" that no other test uses. */
export const freshTs = (ageSeconds = 0) =>
  `${Math.floor(Date.now() / 1000) - ageSeconds}.${String(++tsSeq).padStart(6, '0')}`;

/** A message event as Slack delivers it; resolves once the server acknowledged (the trigger row is written). */
export async function postTrigger(
  stack: Stack,
  p: { userId?: string; channelId: string; ts?: string; threadTs?: string; botId?: string },
): Promise<string> {
  const ts = p.ts ?? freshTs();
  await stack.slack.event({
    type: 'message',
    channel: p.channelId,
    text: 'please email them',
    ts,
    ...(p.userId ? { user: p.userId } : {}),
    ...(p.botId ? { bot_id: p.botId, subtype: 'bot_message' } : {}),
    ...(p.threadTs ? { thread_ts: p.threadTs } : {}),
  });
  return ts;
}

/** The running stack of a describe block and a database connection to inspect it. */
export interface SendStackContext {
  readonly stack: Stack;
  readonly db: Client;
}

/**
 * Starts a stack (with `env` on top of the test defaults) and connects to its database for the
 * enclosing describe block, closes both afterwards, and clears the Google and Slack faults after
 * each test. The returned accessors are usable inside tests and hooks.
 */
export function useSendStack(env?: Record<string, string>): SendStackContext {
  let stack: Stack;
  let db: Client;
  beforeAll(async () => {
    stack = await startStack({ env });
    db = new Client({ connectionString: stack.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });
  afterEach(() => {
    stack.google.clearFaults();
    stack.slack.clearFaults();
  });
  return {
    get stack() {
      return stack;
    },
    get db() {
      return db;
    },
  };
}

export interface ToolAnswer {
  status: number;
  json: Record<string, unknown>;
}

export async function callTool(
  stack: Stack,
  body: unknown,
  opts: { key?: string | null; method?: string; path?: string } = {},
): Promise<ToolAnswer> {
  const key = opts.key === undefined ? stack.env.AGENT_API_KEY!.split(',')[0] : opts.key;
  const res = await fetch(`${stack.baseUrl}${opts.path ?? '/api/tools/send-email'}`, {
    method: opts.method ?? 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** What the assistant asks to send unless a test says otherwise. */
export const DEFAULT_DRAFT = {
  to: ['bob@example.com'],
  subject: 'Quarterly numbers',
  body: 'Hi Bob,\nhere they are.',
};

/**
 * The owner's trigger message, then the assistant's send-email call for it (`over` replaces fields
 * of the default draft); `since` is the Slack message index just before the call.
 */
export async function requestDraft(
  stack: Stack,
  p: { userId: string; channelId: string; threadTs?: string },
  over: Record<string, unknown> = {},
): Promise<{ answer: ToolAnswer; since: number }> {
  const ts = await postTrigger(stack, { userId: p.userId, channelId: p.channelId, threadTs: p.threadTs });
  const since = stack.slack.messages.length;
  const answer = await callTool(stack, { trigger_message_ts: ts, ...DEFAULT_DRAFT, ...over });
  return { answer, since };
}

/** Trigger message → tool call (accepted) → preview; returns what the owner sees. */
export async function stageDraft(
  stack: Stack,
  p: { userId: string; channelId: string; threadTs?: string },
  over: Record<string, unknown> = {},
) {
  const { answer, since } = await requestDraft(stack, p, over);
  expect(answer.status).toBe(202);
  const preview = await waitForPreview(stack, p.userId, since);
  return { id: answer.json.id as string, answer, ...preview };
}

export const draftStatus = (stack: Stack, id: string) =>
  callTool(stack, undefined, { method: 'GET', path: `/api/tools/send-email/${id}` });

export interface Buttons {
  send: string;
  cancel: string;
}

export function buttonsOf(m: PostedMessage): Buttons | undefined {
  const actions = (
    m.blocks as Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>
  )
    ?.find((b) => b.type === 'actions')
    ?.elements?.filter((e) => e.action_id?.startsWith('send_email_'));
  const value = (id: string) => actions?.find((e) => e.action_id === id)?.value;
  const send = value(SEND_ACTION);
  const cancel = value(CANCEL_ACTION);
  return send && cancel ? { send, cancel } : undefined;
}

/** The Send/Cancel preview shown to `userId` after message index `since`. */
export async function waitForPreview(
  stack: Stack,
  userId: string,
  since: number,
): Promise<{ message: PostedMessage; buttons: Buttons }> {
  const dm = dmChannelOf(stack, userId);
  const message = await stack.slack.waitForMessage(
    (m) =>
      stack.slack.messages.indexOf(m) >= since &&
      buttonsOf(m) !== undefined &&
      ((m.kind === 'postEphemeral' && m.user === userId) || (m.kind === 'postMessage' && m.channel === dm)),
  );
  return { message, buttons: buttonsOf(message)! };
}

/** Clicks a button (Send unless `actionId` says otherwise) under the ephemeral preview in `channelId`. */
export const clickButton = (
  stack: Stack,
  p: { userId: string; value: string; channelId: string; actionId?: string },
) =>
  stack.slack.blockAction({
    userId: p.userId,
    actionId: p.actionId ?? SEND_ACTION,
    value: p.value,
    channelId: p.channelId,
    isEphemeral: true,
  });

/** The emulator derives DM channel ids from team and user, as Slack keeps them stable. */
export function dmChannelOf(stack: Stack, userId: string): string {
  const hex = createHash('sha256').update(`${stack.slack.teamId}/${userId}`).digest('hex');
  return `D${hex.slice(0, 10).toUpperCase()}`;
}

/** Replies posted to the response_url of `userId`'s clicks after index `since`. */
export const responsesTo = (stack: Stack, userId: string, since: number) =>
  stack.slack.messages.filter((m, i) => i >= since && m.kind === 'response_url' && m.user === userId);

export async function waitForResponse(
  stack: Stack,
  userId: string,
  since: number,
  pred: (m: PostedMessage) => boolean,
  timeoutMs?: number,
): Promise<PostedMessage> {
  return stack.slack.waitForMessage(
    (m) =>
      stack.slack.messages.indexOf(m) >= since && m.kind === 'response_url' && m.user === userId && pred(m),
    timeoutMs,
  );
}

export async function withDb<T>(stack: Stack, fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: stack.db.url });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

export const draftRow = (db: Client, id: string) =>
  db.query('SELECT * FROM email_drafts WHERE id = $1', [id]).then((r) => r.rows[0]);

export const auditResults = (db: Client, draftId: string) =>
  db
    .query('SELECT result FROM audit_events WHERE draft_id = $1 ORDER BY created_at, result', [draftId])
    .then((r) => r.rows.map((row: { result: string }) => row.result));

/** Gmail send requests the emulator answered so far (all accounts). */
export const sendRequestCount = (stack: Stack) =>
  stack.google.requests.filter((r) => r.endpoint === 'gmail.send').length;
