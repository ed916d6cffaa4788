import { signButton } from '../../src/domain/send/button-token';
import { createConfirmClick } from '../../src/domain/send/confirm-click';
import { createDraftSweeper, outcomeOf } from '../../src/domain/send/sweep-drafts';
import type { Draft, Outcome } from '../../src/domain/send/types';
import { manualClock, memoryDrafts, pendingDraft, quietLog } from '../helpers/send-fakes';

const KEY = 'k'.repeat(32);

/** A sweeper over `drafts` whose Slack takes an update only while `slackUp` says so. */
function sweeperOver(drafts: ReturnType<typeof memoryDrafts>, slackUp = () => true) {
  const told: Array<{ id: string; outcome: Outcome }> = [];
  const sweeper = createDraftSweeper({
    drafts,
    clock: manualClock(),
    record: async () => undefined,
    openContent: () => {
      throw new Error('not needed');
    },
    // As the send feature wires it: the mark follows an update Slack took.
    async tell(draft, outcome) {
      told.push({ id: draft.id, outcome });
      if (slackUp() && outcome.kind !== 'sending') await drafts.markPreviewShown(draft.id, outcome.kind);
    },
    resume: async () => undefined,
    inFlightMs: 7_000,
  });
  return { sweeper, told };
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
    const { sweeper, told } = sweeperOver(drafts, () => up);

    expect((await sweeper.sweep()).reshown).toBe(3);
    up = true;
    expect((await sweeper.sweep()).reshown).toBe(3);
    expect((await sweeper.sweep()).reshown).toBe(0);

    expect(told.slice(3).map((t) => t.outcome)).toEqual([
      { kind: 'sent' },
      { kind: 'outcome_unknown', reason: 'Check Sent.' },
      { kind: 'cancelled', reason: 'disconnected' },
    ]);
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
