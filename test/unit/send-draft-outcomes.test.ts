import type { Decision } from '../../src/modules/send/domain/decisions';
import type {
  GmailAnswer,
  SentMessage,
  GmailFailure,
  SenderConnection,
  TokenFailure,
} from '../../src/modules/send/domain/ports';
import { failureText } from '../../src/modules/send/failure-texts';
import { createSendDraft } from '../../src/modules/send/domain/send-draft';
import type { DraftContent, Outcome } from '../../src/modules/send/domain/types';
import { classifyGmailError } from '../../src/modules/send/gmail';
import { senderTokens } from '../../src/modules/send/sender-tokens';
import { AppError } from '../../src/shared/errors';
import { manualClock, memoryDrafts, pendingDraft, quietLog } from '../helpers/send-fakes';

const IN_FLIGHT_MS = 7_000;
const content: DraftContent = {
  from: 'me@example.com',
  to: [{ address: 'bob@example.com' }],
  cc: [],
  bcc: [],
  subject: 's',
  body: 'b',
};
const connection: SenderConnection = {
  id: 'c1',
  teamId: 'T1',
  userId: 'U1',
  email: 'me@example.com',
  scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
  status: 'active',
};

/** A claimed draft run by the send job over in-memory ports; Gmail answers as `send` says. */
function setup(over: {
  token?: TokenFailure;
  send?: () => GmailAnswer<SentMessage>;
  findSent?: () => GmailAnswer<SentMessage | undefined>;
}) {
  const clock = manualClock();
  const draft = pendingDraft(clock.now(), { status: 'sending', claimedAt: clock.now() });
  const drafts = memoryDrafts(draft);
  drafts.contents.set(draft.id, content);
  const decisions: Decision[] = [];
  const told: Outcome[] = [];
  let gmailCalls = 0;
  const sendDraft = createSendDraft({
    drafts,
    clock,
    accessTokens: {
      forConnection: async () => (over.token ? { failure: over.token } : { accessToken: 't', connection }),
      forget: () => undefined,
    },
    gmail: {
      async send() {
        gmailCalls++;
        return over.send ? over.send() : { ok: true, value: { id: 'gm-1', threadId: 'th-1' } };
      },
      findSent: async () => (over.findSent ? over.findSent() : { ok: true, value: undefined }),
    },
    openContent: (d) => drafts.openContent(d),
    describe: failureText,
    tell: async (_d, outcome) => {
      told.push(outcome);
    },
    record: async (d) => {
      decisions.push(d);
    },
    log: quietLog,
    settings: {
      inFlightMs: IN_FLIGHT_MS,
      reconcileWindowMs: IN_FLIGHT_MS,
      retryBaseMs: 100,
      maxAttempts: 3,
      searchScopes: ['https://www.googleapis.com/auth/gmail.readonly'],
      listScopes: [],
    },
  });
  return {
    sendDraft,
    draft,
    row: () => drafts.rows.get(draft.id)!,
    decisions,
    told,
    calls: () => gmailCalls,
  };
}

const failure = (f: Partial<GmailFailure> & Pick<GmailFailure, 'kind'>) => ({
  ok: false as const,
  failure: { message: 'failed', ...f },
});

describe('the send job', () => {
  it('when Gmail accepts the message, then the draft is sent with its Gmail id and the person is told', async () => {
    const t = setup({});
    expect(await t.sendDraft(t.draft.id)).toEqual({ kind: 'done' });
    expect(t.row()).toMatchObject({
      status: 'sent',
      gmailMessageId: 'gm-1',
      gmailThreadId: 'th-1',
      sendAttempts: 1,
    });
    expect(t.told).toEqual([{ kind: 'sent' }]);
    expect(t.decisions.map((d) => d.result)).toEqual(['success']);
  });

  it.each([
    ['not_connected', 'not_connected', 'Gmail is no longer connected.'],
    ['connection_invalid', 'connection_invalid', 'Google no longer accepts your Gmail connection.'],
    ['credentials_unreadable', 'credentials_unreadable', 'The stored Gmail credentials cannot be read.'],
  ] as const)(
    'when no token can be had (%s), then the draft fails without a Gmail call',
    async (token, reason, text) => {
      const t = setup({ token });
      await t.sendDraft(t.draft.id);
      expect(t.calls()).toBe(0);
      expect(t.row().status).toBe('failed');
      expect(t.row().failureReason).toContain(text);
      expect(t.decisions.map((d) => d.reason)).toEqual([reason]);
    },
  );

  it('when Google cannot issue a token right now, then the send is tried again later', async () => {
    const t = setup({ token: 'unavailable' });
    const step = await t.sendDraft(t.draft.id);
    expect(step.kind).toBe('later');
    expect(t.row()).toMatchObject({ status: 'sending', sendAttempts: 1 });
  });

  it('when the connection to Gmail was refused before it opened, then nothing was sent and the send is retried', async () => {
    const t = setup({ send: () => failure({ kind: 'network', neverConnected: true }) });
    expect((await t.sendDraft(t.draft.id)).kind).toBe('later');
    expect(t.row()).toMatchObject({ status: 'sending', sendAttempts: 1 });
  });

  it('when Gmail times out and the message shows up in Sent, then the draft is sent (reconciled), never resent', async () => {
    const t = setup({
      send: () => failure({ kind: 'timeout' }),
      findSent: () => ({ ok: true, value: { id: 'gm-found', threadId: 'th-found' } }),
    });
    await t.sendDraft(t.draft.id);
    expect(t.calls()).toBe(1);
    expect(t.row()).toMatchObject({ status: 'sent', gmailMessageId: 'gm-found', gmailThreadId: 'th-found' });
    expect(t.decisions.map((d) => [d.result, d.reason])).toEqual([['success', 'reconciled']]);
  });

  it('when Gmail refuses the message for good, then the draft fails with Gmail’s reason', async () => {
    const t = setup({ send: () => failure({ kind: 'forbidden', status: 403 }) });
    await t.sendDraft(t.draft.id);
    expect(t.row().status).toBe('failed');
    expect(t.decisions.map((d) => d.reason)).toEqual(['gmail_forbidden']);
    expect(t.row().failureReason).toBe(
      'Gmail refused to send it (403): permission denied. Nothing was sent; reconnect with /ai-email-connect.',
    );
    expect(t.told).toEqual([{ kind: 'failed', reason: t.row().failureReason }]);
  });

  it('when Gmail rejects the message as malformed, then the reason quotes Gmail’s answer, shortened', async () => {
    const t = setup({ send: () => failure({ kind: 'bad_request', status: 400, message: 'x'.repeat(300) }) });
    await t.sendDraft(t.draft.id);
    expect(t.row().failureReason).toBe(
      `Gmail rejected the message (400): ${'x'.repeat(200)}. Nothing was sent.`,
    );
    expect(t.decisions.map((d) => d.reason)).toEqual(['gmail_bad_request']);
  });
});

describe('send adapters', () => {
  it('when a Gmail call fails before connecting, then the failure says nothing reached Gmail', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyGmailError(refused)).toMatchObject({ kind: 'network', neverConnected: true });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyGmailError(reset)).toEqual({ kind: 'network', message: 'socket hang up' });
  });

  it('when connect fails to give a token, then its failure is told in send’s terms', async () => {
    const failing = (err: unknown) =>
      senderTokens({ forConnection: () => Promise.reject(err), forget: () => undefined }).forConnection('c1');
    expect(await failing(new AppError('not_connected', 'x'))).toEqual({ failure: 'not_connected' });
    expect(await failing(new AppError('connection_invalid', 'x'))).toEqual({ failure: 'connection_invalid' });
    expect(await failing(new AppError('sealed_data_tampered', 'x'))).toEqual({
      failure: 'credentials_unreadable',
    });
    expect(await failing(new AppError('unknown_key_version', 'x'))).toEqual({
      failure: 'credentials_unreadable',
    });
    expect(await failing(new AppError('constructor', 'x'))).toEqual({ failure: 'unavailable' });
    expect(await failing(new Error('token endpoint down'))).toEqual({ failure: 'unavailable' });
  });
});
