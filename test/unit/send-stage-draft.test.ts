import { sendErrors } from '../../src/modules/send/domain/errors';
import type {
  LimitCheck,
  NewDraft,
  SenderConnection,
  TriggerMessage,
} from '../../src/modules/send/domain/ports';
import type { Decision } from '../../src/modules/send/domain/decisions';
import { createStageDraft, type StageRequest } from '../../src/modules/send/domain/stage-draft';
import { HELLO_CONTENT, manualClock, memoryDrafts } from '../helpers/send-fakes';

const request: StageRequest = {
  triggerTs: '1796119140.000100',
  to: ['Bob <bob@example.com>'],
  cc: [],
  bcc: [],
  subject: 'Hello',
  body: 'Hi Bob',
};

/** Stage-draft over in-memory ports: one recent human trigger and an active connection unless told otherwise. */
function setup(
  over: {
    connection?: SenderConnection | undefined;
    quota?: LimitCheck;
    postPreview?: () => Promise<{ kind: 'ephemeral' | 'dm'; channel?: string; ts?: string }>;
  } = {},
) {
  const clock = manualClock(new Date('2026-12-01T10:00:00Z'));
  const trigger: TriggerMessage = {
    teamId: 'T1',
    channelId: 'C1',
    ts: request.triggerTs,
    threadTs: null,
    userId: 'U1',
    authorIsMember: true,
    isBot: false,
    createdAt: clock.now(),
  };
  const connection: SenderConnection = {
    id: 'c1',
    teamId: 'T1',
    userId: 'U1',
    email: 'me@example.com',
    scopes: [],
    status: 'active',
  };
  const drafts = memoryDrafts();
  const decisions: Decision[] = [];
  const prompted: TriggerMessage[] = [];
  const previews: NewDraft[] = [];
  const stage = createStageDraft({
    triggers: { findByTs: async (_team, ts) => (ts === trigger.ts ? [trigger] : []) },
    connections: { findByUser: async () => ('connection' in over ? over.connection : connection) },
    drafts,
    clock,
    consumeDraftQuota: async () => over.quota ?? { allowed: true },
    async postPreview(draft) {
      previews.push(draft);
      return over.postPreview ? over.postPreview() : { kind: 'ephemeral' };
    },
    async promptConnect(t) {
      prompted.push(t);
    },
    replyTo: async () => {
      throw new Error('a request without in_reply_to reads no email');
    },
    record: async (d) => {
      decisions.push(d);
    },
    ttlMs: 15 * 60_000,
    allowExternalAuthors: false,
  });
  return { stage, drafts, decisions, prompted, previews, clock };
}

const failureOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!sendErrors.is(err)) throw new Error(`expected a send error, got ${String(err)}`);
  return { code: err.code, kind: err.kind, message: err.message, details: err.details };
};

describe('staging an email', () => {
  it('when the trigger is valid and the owner connected, then a pending draft holds the content and the preview is recorded', async () => {
    const t = setup({ postPreview: async () => ({ kind: 'dm', channel: 'D1', ts: '2.1' }) });
    const staged = await t.stage(request);
    expect(staged).toEqual({
      id: expect.any(String),
      expiresAt: new Date('2026-12-01T10:15:00Z'),
      previewKind: 'dm',
    });
    const row = t.drafts.rows.get(staged.id)!;
    expect(row).toMatchObject({
      status: 'pending',
      userId: 'U1',
      connectionId: 'c1',
      recipientCount: 1,
      previewKind: 'dm',
      previewChannel: 'D1',
      previewTs: '2.1',
    });
    expect(row.messageIdHeader).toMatch(/^<mb\.[0-9a-f]{32}@example\.com>$/);
    expect(t.drafts.openContent(row)).toEqual(HELLO_CONTENT);
    expect(t.decisions.map((d) => [d.result, d.reason])).toEqual([['staged', 'preview_dm']]);
  });

  it('when the owner has not connected Gmail, then they are shown how and nothing is staged', async () => {
    const t = setup({ connection: undefined });
    expect(await failureOf(t.stage(request))).toMatchObject({ code: 'not_connected', kind: 'user' });
    expect(t.prompted.map((p) => p.userId)).toEqual(['U1']);
    expect(t.drafts.rows.size).toBe(0);
  });

  it('when Google stopped accepting the connection, then the owner is asked to reconnect and nothing is staged', async () => {
    const t = setup({
      connection: {
        id: 'c1',
        teamId: 'T1',
        userId: 'U1',
        email: 'me@example.com',
        scopes: [],
        status: 'invalid',
      },
    });
    expect(await failureOf(t.stage(request))).toMatchObject({ code: 'connection_invalid' });
    expect(t.prompted).toHaveLength(1);
    expect(t.drafts.rows.size).toBe(0);
  });

  it('when the owner staged too many emails this hour, then the refusal says when to try again', async () => {
    const t = setup({ quota: { allowed: false, scope: 'drafts_hour', retryAfterMs: 125_000 } });
    expect(await failureOf(t.stage(request))).toEqual({
      code: 'rate_limited',
      kind: 'transient',
      message: 'Too many emails staged for this person in the last hour; try again in 3 minutes.',
      details: { retry_after_seconds: 125 },
    });
    expect(t.drafts.rows.size).toBe(0);
  });

  it('when the preview cannot be shown anywhere, then the draft fails and the assistant may try again later', async () => {
    const t = setup({
      postPreview: async () => {
        throw new Error('channel_not_found');
      },
    });
    expect(await failureOf(t.stage(request))).toMatchObject({ code: 'slack_unavailable', kind: 'transient' });
    const [row] = [...t.drafts.rows.values()];
    expect(row).toMatchObject({ status: 'failed', failureReason: 'preview_undeliverable' });
    expect(t.decisions.map((d) => [d.result, d.reason])).toEqual([['failed', 'preview_undeliverable']]);
  });

  it('when no message has the trigger ts, then the assistant is told to use the ts of the asking message', async () => {
    const t = setup();
    expect(await failureOf(t.stage({ ...request, triggerTs: '1796119140.000999' }))).toMatchObject({
      code: 'unknown_trigger',
    });
  });
});
