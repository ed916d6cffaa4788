import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { REDIS_TEST_URL } from './database';
import { METADATA_SCOPE, SEND_SCOPE, seedConnection, type SeededConnection } from './connect';
import { eventually, PUSH_SERVICE_ACCOUNT, startStack, type Stack } from './stack';
import type { PostedMessage } from '@mailbridge/slack-emulator';

/** Inspection and arrangement helpers for the notification end-to-end tests. */
export interface NotifyHarness {
  db: Client;
  queue: Queue;
  /** Watch renewals (paced by GMAIL_WATCH_RATE_PER_SECOND). */
  watchQueue: Queue;
  redis: Redis;
  close(): Promise<void>;
}

export async function openHarness(stack: Stack): Promise<NotifyHarness> {
  const db = new Client({ connectionString: stack.db.url });
  await db.connect();
  const queue = new Queue('notify', {
    connection: { url: REDIS_TEST_URL },
    prefix: `${stack.redisPrefix}:bull`,
  });
  const watchQueue = new Queue('watch', {
    connection: { url: REDIS_TEST_URL },
    prefix: `${stack.redisPrefix}:bull`,
  });
  const redis = new Redis(REDIS_TEST_URL);
  return {
    db,
    queue,
    watchQueue,
    redis,
    async close() {
      await queue.close();
      await watchQueue.close();
      await redis.quit();
      await db.end();
    },
  };
}

/** The running stack and harness of a describe block, and the service started alongside them. */
export interface NotifyStackContext<S> {
  readonly stack: Stack;
  readonly h: NotifyHarness;
  readonly service: S;
}

export interface NotifyStackOptions<S> {
  /** Started before the stack (so that `env` can point the server at it) and closed after it. */
  service?: () => Promise<S>;
  /** Server configuration on top of the test defaults; a function is given the started service. */
  env?: Record<string, string> | ((service: S) => Record<string, string>);
}

/**
 * Starts a stack and opens a harness for the enclosing describe block (beforeAll), closes them
 * (afterAll), and after each test clears the Google and Slack faults and turns automatic pushes
 * back on. The returned accessors are usable inside tests and hooks.
 */
export function useNotifyStack<S extends { close(): Promise<void> } | undefined = undefined>(
  opts: NotifyStackOptions<S> = {},
): NotifyStackContext<S> {
  let stack: Stack;
  let h: NotifyHarness;
  let service: S;
  beforeAll(async () => {
    service = (await opts.service?.()) as S;
    const env = typeof opts.env === 'function' ? opts.env(service) : opts.env;
    stack = await startStack({ env });
    h = await openHarness(stack);
  });
  afterAll(async () => {
    await h?.close();
    await stack?.close();
    await service?.close();
  });
  afterEach(() => {
    stack.google.clearFaults();
    stack.slack.clearFaults();
    setAutoPush(stack, true);
  });
  return {
    get stack() {
      return stack;
    },
    get h() {
      return h;
    },
    get service() {
      return service;
    },
  };
}

export interface MailboxRow {
  id: string;
  enabled: boolean;
  history_id: string | null;
  watch_expires_at: Date | null;
  state: string;
  state_reason: string | null;
  last_push_at: Date | null;
  last_sync_at: Date | null;
  last_notified_at: Date | null;
  lapse_notified_at: Date | null;
}

export async function mailboxOf(h: NotifyHarness, userId: string): Promise<MailboxRow | undefined> {
  const { rows } = await h.db.query<MailboxRow>(
    'SELECT id, enabled, history_id::text AS history_id, watch_expires_at, state, state_reason, last_push_at, last_sync_at, last_notified_at, lapse_notified_at FROM mailboxes WHERE user_id = $1',
    [userId],
  );
  return rows[0];
}

/** Runs a slash command and returns the ephemeral answer (the first response_url message after it). */
export async function command(stack: Stack, userId: string, text: string): Promise<PostedMessage> {
  const before = stack.slack.messages.length;
  await stack.slack.slashCommand({
    command: '/ai-email-notifications',
    text,
    userId,
    channelId: 'C0GENERAL',
  });
  return stack.slack.waitForMessage(
    (m) => stack.slack.messages.indexOf(m) >= before && m.kind === 'response_url',
  );
}

/** A connected user with the metadata scope and notifications turned on through the real command. */
export async function enabledUser(
  stack: Stack,
  h: NotifyHarness,
  p: { userId: string; email: string },
): Promise<SeededConnection & { mailboxId: string }> {
  stack.slack.addUser({ id: p.userId, name: p.userId.toLowerCase() });
  const connection = await seedConnection(stack, { ...p, scopes: [SEND_SCOPE, METADATA_SCOPE] });
  const reply = await command(stack, p.userId, 'on');
  if (!/notifications are on/i.test(reply.text ?? '')) throw new Error(`enable failed: ${reply.text}`);
  const mailbox = await eventually(async () => {
    const row = await mailboxOf(h, p.userId);
    return row?.enabled ? row : undefined;
  });
  // The sync scheduled by "on" has run: the mailbox starts from a settled state.
  await syncIdle(h);
  return { ...connection, mailboxId: mailbox.id };
}

/** The Gmail ids a Slack post announces, read from its message metadata. */
export const announcedIdsOf = (m: PostedMessage): string[] => {
  const ids =
    m.metadata?.event_type === 'mailbridge_new_mail' ? m.metadata.event_payload.gmail_message_ids : '';
  return typeof ids === 'string' && ids ? ids.split(',') : [];
};

/** Slack posts that announce one Gmail message (a DM of its own or a digest covering it). */
export const announcementsOf = (stack: Stack, gmailId: string) =>
  stack.slack.messages.filter((m) => m.kind === 'postMessage' && announcedIdsOf(m).includes(gmailId));

/** True once no sync of any mailbox is waiting, running, delayed or parked behind a running one. */
export async function syncIdle(h: NotifyHarness, timeoutMs = 30_000): Promise<void> {
  await eventually(async () => {
    const jobs = await h.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
    if (jobs.some((j) => j.name === 'sync' || j.name === 'renew-watch')) return false;
    if ((await h.watchQueue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')) > 0)
      return false;
    const parked = await h.redis.keys(`${h.queue.opts.prefix}:notify:dn:*`);
    return parked.length === 0;
  }, timeoutMs);
}

/** Every automatic push has been answered and every sync it caused has finished. */
export async function settle(stack: Stack, h: NotifyHarness): Promise<void> {
  await stack.google.settled();
  await syncIdle(h);
}

/** Counts of BullMQ sync jobs ever added (ids are monotonic), to prove that nothing was queued. */
export async function syncJobsAdded(h: NotifyHarness): Promise<number> {
  const jobs = await h.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
  return jobs.filter((j) => j.name === 'sync').length;
}

/** Turns automatic pushes on delivery on or off (Pub/Sub delivering late, or not at all). */
export function setAutoPush(stack: Stack, autoPush: boolean): void {
  stack.google.configurePush({
    endpoint: `${stack.baseUrl}/pubsub/gmail`,
    audience: `${stack.baseUrl}/pubsub/gmail`,
    serviceAccountEmail: PUSH_SERVICE_ACCOUNT,
    autoPush,
  });
}

export async function metric(stack: Stack, name: string, labels: string): Promise<number> {
  const text = await (await fetch(stack.server.metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}
