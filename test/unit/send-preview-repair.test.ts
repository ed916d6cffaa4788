import { signButton } from '../../src/modules/send/domain/button-token';
import { createConfirmClick } from '../../src/modules/send/domain/confirm-click';
import {
  MAX_RETELLS_PER_SWEEP,
  PREVIEW_REPAIR_WINDOW_MS,
  createDraftSweeper,
  outcomeOf,
  type TellResult,
} from '../../src/modules/send/domain/sweep-drafts';
import { previewBackoffMs } from '../../src/modules/send/domain/types';
import type { Draft, Outcome } from '../../src/modules/send/domain/types';
import { manualClock, memoryDrafts, pendingDraft, quietLog } from '../helpers/send-fakes';

const KEY = 'k'.repeat(32);

/** A sweeper over `drafts` whose Slack answers a telling with `slack()` (shown, retry or gone). */
function sweeperOver(
  drafts: ReturnType<typeof memoryDrafts>,
  slack: () => TellResult = () => 'shown',
  clock = manualClock(new Date(Date.now() + 60_000)),
) {
  drafts.now = clock.now;
  const told: Array<{ id: string; outcome: Outcome }> = [];
  // As the send feature wires it: the mark follows an update Slack took.
  const retell = async (draft: Draft, outcome: Outcome): Promise<TellResult> => {
    told.push({ id: draft.id, outcome });
    const result = slack();
    if (result === 'shown' && outcome.kind !== 'sending')
      await drafts.markPreviewShown(draft.id, outcome.kind);
    return result;
  };
  const sweeper = createDraftSweeper({
    drafts,
    clock,
    record: async () => undefined,
    openContent: () => {
      throw new Error('not needed');
    },
    async tell(draft, outcome) {
      await retell(draft, outcome);
    },
    retell,
    resume: async () => undefined,
    inFlightMs: 7_000,
  });
  return { sweeper, told, clock };
}

const finished = (id: string, over: Partial<Draft>) =>
  pendingDraft(new Date(), { id: `6f1c2a36-0d1e-4c7b-9a55-0e4bb0d7a${id}`, ...over });

describe('preview repair by the send sweep', () => {
  it('when a draft finished but its preview was never updated, then the sweep tells each outcome once Slack takes it', async () => {
    const drafts = memoryDrafts(
      finished('101', { status: 'sent', previewOutcome: null }),
      finished('102', { status: 'outcome_unknown', failureReason: 'Check Sent.', previewOutcome: null }),
      finished('103', { status: 'cancelled', failureReason: 'disconnected', previewOutcome: null }),
      finished('104', { status: 'sent', previewOutcome: 'sent' }),
      finished('105', { status: 'sending' }),
    );
    let up = false;
    const { sweeper, told, clock } = sweeperOver(drafts, () => (up ? 'shown' : 'retry'));

    expect((await sweeper.sweep()).reshown).toBe(3);
    up = true;
    // Each failed telling backs off before it is tried again.
    expect((await sweeper.sweep()).reshown).toBe(0);
    clock.advance(previewBackoffMs(1));
    expect((await sweeper.sweep()).reshown).toBe(3);
    expect((await sweeper.sweep()).reshown).toBe(0);

    expect(told.slice(3).map((t) => t.outcome)).toEqual([
      { kind: 'sent' },
      { kind: 'outcome_unknown', reason: 'Check Sent.' },
      { kind: 'cancelled', reason: 'disconnected' },
    ]);
  });

  it('when Slack keeps failing, then the waits between tellings grow and a failed draft moves behind untried ones', async () => {
    const drafts = memoryDrafts(finished('401', { status: 'sent' }));
    const { sweeper, told, clock } = sweeperOver(drafts, () => 'retry');
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      if ((await sweeper.sweep()).reshown) times.push(i);
      clock.advance(15_000);
    }
    // Told at 0, then after 30 s, 60 s, 120 s, 240 s, 480 s... (in 15 s sweeps).
    expect(times).toEqual([0, 2, 6, 14, 30]);
    expect(told).toHaveLength(5);
  });

  it('when Slack says the preview is gone (expired response_url, deleted message), then it is given up after one telling', async () => {
    const drafts = memoryDrafts(finished('501', { status: 'failed', failureReason: 'x' }));
    const { sweeper, told, clock } = sweeperOver(drafts, () => 'gone');
    expect((await sweeper.sweep()).reshown).toBe(1);
    clock.advance(60 * 60_000);
    expect((await sweeper.sweep()).reshown).toBe(0);
    expect(told).toHaveLength(1);
  });

  it('when many previews lag during an outage, then one sweep tells at most its cap, untried ones first', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      finished(String(600 + i), { status: 'sent', createdAt: new Date(Date.now() - 1000 + i) }),
    );
    const drafts = memoryDrafts(...many);
    const { sweeper, told } = sweeperOver(drafts, () => 'retry');
    expect((await sweeper.sweep()).reshown).toBe(MAX_RETELLS_PER_SWEEP);
    expect((await sweeper.sweep()).reshown).toBe(30 - MAX_RETELLS_PER_SWEEP);
    expect(new Set(told.map((t) => t.id)).size).toBe(30);
  });

  it('when a draft finished longer ago than the repair window, or within the in-flight time, then it is left alone', async () => {
    const clock = manualClock(new Date(Date.now() + 60_000));
    const drafts = memoryDrafts(
      finished('701', {
        status: 'sent',
        createdAt: new Date(clock.now().getTime() - PREVIEW_REPAIR_WINDOW_MS - 1),
      }),
      finished('702', { status: 'sent', createdAt: new Date(clock.now().getTime() - 1_000) }),
    );
    const { sweeper, told } = sweeperOver(drafts, () => 'shown', clock);
    expect((await sweeper.sweep()).reshown).toBe(0);
    clock.advance(7_000);
    expect((await sweeper.sweep()).reshown).toBe(1);
    expect(told.map((t) => t.id)).toEqual(['6f1c2a36-0d1e-4c7b-9a55-0e4bb0d7a702']);
  });

  it('when a status moved on after its preview was marked, then the new status is told', async () => {
    const drafts = memoryDrafts(finished('201', { status: 'sent', previewOutcome: 'outcome_unknown' }));
    const { sweeper, told } = sweeperOver(drafts);
    await sweeper.sweep();
    expect(told.map((t) => t.outcome)).toEqual([{ kind: 'sent' }]);
  });

  it.each([
    ['sent', {}, { kind: 'sent' }],
    ['expired', {}, { kind: 'expired' }],
    ['cancelled', {}, { kind: 'cancelled' }],
    ['failed', { failureReason: 'Gmail rejected it.' }, { kind: 'failed', reason: 'Gmail rejected it.' }],
  ] as const)('the outcome of a %s draft is what the use cases told', (status, over, expected) => {
    expect(outcomeOf({ ...finished('301', over), status })).toEqual(expected);
  });
});

/** The owner clicks Cancel; `answer` stands for Slack taking (or refusing) the reply. */
async function ownerCancels(answer: () => Promise<void>) {
  const clock = manualClock();
  const draft = pendingDraft(clock.now());
  const drafts = memoryDrafts(draft);
  const confirm = createConfirmClick({
    drafts,
    clock,
    signingKey: KEY,
    limits: {
      consumeDraft: async () => ({ allowed: true }),
      consumeSend: async () => ({ allowed: true }),
      refundSend: async () => undefined,
    },
    enqueueSend: async () => undefined,
    openContent: () => ({ from: 'a@example.com', to: [], cc: [], bcc: [], subject: 's', body: 'b' }),
    record: async () => undefined,
    log: quietLog,
  });
  const value = signButton(KEY, {
    draftId: draft.id,
    userId: 'U1',
    teamId: 'T1',
    action: 'cancel',
    expiresAt: draft.expiresAt,
    version: draft.version,
  });
  const done = await confirm({ teamId: 'T1', userId: 'U1', action: 'cancel', value }, answer).then(
    () => 'answered',
    (err: Error) => err.message,
  );
  return { done, row: drafts.rows.get(draft.id) };
}

describe('preview mark on a click', () => {
  it('when the owner cancels and Slack takes the reply, then the preview is marked as showing it', async () => {
    const { done, row } = await ownerCancels(async () => undefined);
    expect(done).toBe('answered');
    expect(row).toMatchObject({ status: 'cancelled', previewOutcome: 'cancelled' });
  });

  it('when Slack refuses the reply, then the preview is left for the sweep', async () => {
    const { done, row } = await ownerCancels(async () => {
      throw new Error('expired_url');
    });
    expect(done).toBe('expired_url');
    expect(row).toMatchObject({ status: 'cancelled', previewOutcome: null });
  });
});
