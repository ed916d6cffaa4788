import { signButton } from '../../src/modules/send/domain/button-token';
import { createConfirmClick, type ClickReply } from '../../src/modules/send/domain/confirm-click';
import type { Decision } from '../../src/modules/send/domain/decisions';
import type { LimitCheck, SendLimits } from '../../src/modules/send/domain/ports';
import type { Draft } from '../../src/modules/send/domain/types';
import { manualClock, memoryDrafts, pendingDraft, quietLog } from '../helpers/send-fakes';

const KEY = 'k'.repeat(32);

/** A confirm-click wired to in-memory drafts and limits; `over` replaces its side effects. */
function setup(
  over: {
    consume?: () => Promise<LimitCheck>;
    enqueue?: () => Promise<void>;
    audit?: () => Promise<void>;
  } = {},
) {
  const clock = manualClock();
  const draft = pendingDraft(clock.now());
  const drafts = memoryDrafts(draft);
  const calls: string[] = [];
  const decisions: Decision[] = [];
  const limits: SendLimits = {
    consumeDraft: async () => ({ allowed: true }),
    consumeSend: async () => {
      calls.push(`consume:${drafts.rows.get(draft.id)!.status}`);
      return over.consume ? over.consume() : { allowed: true };
    },
    refundSend: async () => {
      calls.push('refund');
    },
  };
  const confirm = createConfirmClick({
    drafts,
    clock,
    signingKey: KEY,
    limits,
    async enqueueSend() {
      calls.push('enqueue');
      if (over.enqueue) await over.enqueue();
    },
    openContent: () => ({ from: 'a@example.com', to: [], cc: [], bcc: [], subject: 's', body: 'b' }),
    record: async (d) => {
      decisions.push(d);
      if (over.audit) await over.audit();
    },
    log: quietLog,
  });
  const value = signButton(KEY, {
    draftId: draft.id,
    userId: 'U1',
    teamId: 'T1',
    action: 'send',
    expiresAt: draft.expiresAt,
    version: draft.version,
  });
  const replies: ClickReply[] = [];
  /** Clicks Send; `answer` may fail like Slack's response_url can. */
  const click = (answer: (r: ClickReply) => Promise<void> = async () => undefined) =>
    confirm({ teamId: 'T1', userId: 'U1', action: 'send', value }, async (r) => {
      calls.push(`answer:${r.kind === 'replace' ? r.outcome.kind : r.notice.reason}`);
      replies.push(r);
      await answer(r);
    });
  const status = () => (drafts.rows.get(draft.id) as Draft).status;
  return { click, calls, decisions, replies, status, drafts, draft };
}

describe('confirm click (Send)', () => {
  it('when the quota allows, then it is taken before the claim and "Sending…" is shown before the job is queued', async () => {
    const t = setup();
    await t.click();
    expect(t.calls).toEqual(['consume:pending', 'answer:sending', 'enqueue']);
    expect(t.status()).toBe('sending');
  });

  it('when the limit refuses, then the draft is never claimed and stays pending', async () => {
    const t = setup({ consume: async () => ({ allowed: false, scope: 'user_hour', retryAfterMs: 60_000 }) });
    await t.click();
    expect(t.status()).toBe('pending');
    expect(t.calls).toEqual(['consume:pending', 'answer:rate_limited']);
    expect(t.decisions.map((d) => d.result)).toEqual(['rate_limited']);
  });

  it('when another click won the claim meanwhile, then the quota is refunded and the clicker told', async () => {
    const t = setup({
      consume: async () => {
        t.drafts.rows.get(t.draft.id)!.status = 'sending';
        return { allowed: true };
      },
    });
    await t.click();
    expect(t.calls).toEqual(['consume:pending', 'refund', 'answer:already']);
  });

  it('when the claim itself fails, then the quota is refunded and the error escapes (nothing was claimed)', async () => {
    const t = setup();
    t.drafts.transition = async () => {
      throw new Error('postgres down');
    };
    await expect(t.click()).rejects.toThrow('postgres down');
    expect(t.calls).toEqual(['consume:pending', 'refund']);
  });

  it('when showing "Sending…", auditing and queuing all fail after the claim, then nothing escapes and nothing is refunded', async () => {
    const fail = (what: string) => async () => {
      throw new Error(`${what} down`);
    };
    const t = setup({ enqueue: fail('redis'), audit: fail('audit') });
    await expect(t.click(fail('slack'))).resolves.toBeUndefined();
    expect(t.calls).toEqual(['consume:pending', 'answer:sending', 'enqueue']);
    expect(t.decisions.map((d) => d.result)).toEqual(['sending']);
    // Left `sending`: the sweep queues it once no live process can still hold the claim.
    expect(t.status()).toBe('sending');
  });
});
