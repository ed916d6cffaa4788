import { failureText } from '../../src/modules/send/failure-texts';
import { createSendDraft } from '../../src/modules/send/domain/send-draft';
import { createDraftSweeper } from '../../src/modules/send/domain/sweep-drafts';
import type { GmailFailure, SenderConnection } from '../../src/modules/send/domain/ports';
import { manualClock, memoryDrafts, pendingDraft, quietLog } from '../helpers/send-fakes';

const MAX_ATTEMPTS = 3;
const RETRY_AFTER_MS = 30_000;
const IN_FLIGHT_MS = 7_000;

/** A claimed draft whose every Gmail call is answered 429 with Retry-After. */
function setup(firstTokenGate?: Promise<void>) {
  let gate = firstTokenGate;
  const clock = manualClock();
  const draft = pendingDraft(clock.now(), { status: 'sending', claimedAt: clock.now() });
  const drafts = memoryDrafts(draft);
  const gmailCalls: Date[] = [];
  const connection: SenderConnection = {
    id: 'c1',
    teamId: 'T1',
    userId: 'U1',
    email: 'a@example.com',
    scopes: [],
    status: 'active',
  };
  const rateLimited: GmailFailure = {
    kind: 'rate_limited',
    status: 429,
    retryAfterMs: RETRY_AFTER_MS,
    message: 'slow down',
  };
  const sendDraft = createSendDraft({
    drafts,
    clock,
    accessTokens: {
      async forConnection() {
        const wait = gate;
        gate = undefined;
        await wait;
        return { accessToken: 't', connection };
      },
      forget: () => undefined,
    },
    gmail: {
      async send() {
        gmailCalls.push(clock.now());
        return { ok: false, failure: rateLimited };
      },
      findSent: async () => ({ ok: true, value: undefined }),
    },
    openContent: () => ({
      from: 'a@example.com',
      to: [{ address: 'b@example.com' }],
      cc: [],
      bcc: [],
      subject: 's',
      body: 'b',
    }),
    describe: failureText,
    tell: async () => undefined,
    record: async () => undefined,
    log: quietLog,
    settings: {
      inFlightMs: IN_FLIGHT_MS,
      reconcileWindowMs: IN_FLIGHT_MS,
      retryBaseMs: 100,
      maxAttempts: MAX_ATTEMPTS,
      searchScopes: [],
      listScopes: [],
    },
  });
  const resumed: string[] = [];
  const sweeper = createDraftSweeper({
    drafts,
    clock,
    record: async () => undefined,
    openContent: () => {
      throw new Error('not needed');
    },
    tell: async () => undefined,
    retell: async () => 'shown' as const,
    resume: async (d) => {
      resumed.push(d.id);
    },
    inFlightMs: IN_FLIGHT_MS,
  });
  const row = () => drafts.rows.get(draft.id)!;
  return { clock, draft, sendDraft, sweeper, gmailCalls, resumed, row };
}

describe('send retries', () => {
  it('when Gmail answers 429, then the attempt and its Retry-After are kept on the draft', async () => {
    const t = setup();
    const step = await t.sendDraft(t.draft.id);
    expect(step.kind).toBe('later');
    expect(step.kind === 'later' && step.delayMs).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
    expect(t.row()).toMatchObject({ status: 'sending', sendAttempts: 1 });
    expect(t.row().nextAttemptAt!.getTime() - t.clock.now().getTime()).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
  });

  it('when any job runs the draft before its next attempt is due, then Gmail is not called and the job waits the rest', async () => {
    const t = setup();
    await t.sendDraft(t.draft.id);
    t.clock.advance(10_000);
    const early = await t.sendDraft(t.draft.id);
    expect(t.gmailCalls).toHaveLength(1);
    expect(early).toEqual({
      kind: 'later',
      delayMs: t.row().nextAttemptAt!.getTime() - t.clock.now().getTime(),
    });
  });

  it('when the sweep runs while the next attempt is in the future, then it does not resume the draft', async () => {
    const t = setup();
    await t.sendDraft(t.draft.id);
    t.clock.advance(IN_FLIGHT_MS + 1);
    await t.sweeper.sweep();
    expect(t.resumed).toEqual([]);
    t.clock.advance(RETRY_AFTER_MS * 2 + IN_FLIGHT_MS);
    await t.sweeper.sweep();
    expect(t.resumed).toEqual([t.draft.id]);
  });

  it('when 429 lasts, then the draft fails after maxAttempts Gmail calls in all, however many jobs ran it', async () => {
    const t = setup();
    for (let run = 0; run < 10 && t.row().status === 'sending'; run++) {
      // Each run stands for a different job (first, BullMQ retry, resume): only the draft counts.
      const step = await t.sendDraft(t.draft.id);
      if (step.kind === 'later') t.clock.advance(step.delayMs);
    }
    expect(t.row()).toMatchObject({ status: 'failed', sendAttempts: MAX_ATTEMPTS });
    expect(t.gmailCalls).toHaveLength(MAX_ATTEMPTS);
    const gaps = t.gmailCalls.slice(1).map((at, i) => at.getTime() - t.gmailCalls[i]!.getTime());
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
  });

  it('when a runner read the draft before another runner attempted it, then the stale runner does not call Gmail', async () => {
    let release!: () => void;
    const t = setup(new Promise<void>((resolve) => (release = resolve)));
    // The stale runner reads the draft, then waits for its token while another runner makes attempt 1.
    const stale = t.sendDraft(t.draft.id);
    await t.sendDraft(t.draft.id);
    t.clock.advance(RETRY_AFTER_MS * 2);
    release();
    expect(await stale).toEqual({ kind: 'done' });
    expect(t.gmailCalls).toHaveLength(1);
    expect(t.row()).toMatchObject({ status: 'sending', sendAttempts: 1 });
  });
});
