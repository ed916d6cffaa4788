import type { Logger } from 'pino';
import type { Click, ClickAnswer, ClickReply } from '../../src/modules/send/domain/confirm-click';
import {
  cancelClick,
  sendClick,
  type ButtonClickArgs,
  type SendActionDeps,
} from '../../src/modules/send/slack';
import { pendingDraft } from '../helpers/send-fakes';

const draft = pendingDraft(new Date('2026-12-01T10:00:00Z'));

/** A block_actions click as Slack delivers it, with a fake ack and respond that record their calls. */
function click(over: { team?: string } = {}) {
  const calls: string[] = [];
  const responses: unknown[] = [];
  const args = {
    ack: async () => {
      calls.push('ack');
    },
    body: {
      type: 'block_actions',
      team: { id: over.team ?? 'T1' },
      user: { id: 'U1', team_id: 'T1' },
      response_url: 'https://hooks.slack.test/actions/1',
    },
    action: { type: 'button', action_id: 'send_email_send', value: 'signed-value' },
    respond: async (message: unknown) => {
      calls.push('respond');
      responses.push(message);
    },
  } as unknown as ButtonClickArgs;
  return { args, calls, responses };
}

function listenerDeps(confirm: (click: Click, answer: ClickAnswer) => Promise<void>) {
  const errors: unknown[] = [];
  const clicks: Click[] = [];
  const deps: SendActionDeps = {
    confirm: async (c, answer) => {
      clicks.push(c);
      await confirm(c, answer);
    },
    render: (reply: ClickReply) =>
      reply.kind === 'replace'
        ? { text: `outcome ${reply.outcome.kind}`, blocks: [], replace: true }
        : { text: `notice ${reply.notice.reason}`, replace: false },
    log: { error: (fields: unknown) => errors.push(fields), warn: () => undefined } as unknown as Logger,
  };
  return { deps, errors, clicks };
}

describe('Send and Cancel buttons', () => {
  it('when Send is clicked, then the click is acked first and the owner, value and response_url reach the use case', async () => {
    const t = listenerDeps(async (_c, answer) =>
      answer({ kind: 'replace', draft, outcome: { kind: 'sending' } }),
    );
    const c = click();
    await sendClick(t.deps)(c.args);
    expect(c.calls).toEqual(['ack', 'respond']);
    expect(t.clicks).toEqual([
      {
        teamId: 'T1',
        userId: 'U1',
        action: 'send',
        value: 'signed-value',
        responseUrl: 'https://hooks.slack.test/actions/1',
      },
    ]);
    expect(c.responses).toEqual([{ replace_original: true, text: 'outcome sending', blocks: [] }]);
  });

  it('when Cancel is clicked, then the use case is asked to cancel', async () => {
    const t = listenerDeps(async () => undefined);
    await cancelClick(t.deps)(click().args);
    expect(t.clicks.map((c) => c.action)).toEqual(['cancel']);
  });

  it('when the click only gets a notice, then it goes to the clicker as an ephemeral and the preview stays', async () => {
    const t = listenerDeps(async (_c, answer) => answer({ kind: 'notice', notice: { reason: 'missing' } }));
    const c = click();
    await sendClick(t.deps)(c.args);
    expect(c.responses).toEqual([
      { response_type: 'ephemeral', replace_original: false, text: 'notice missing' },
    ]);
  });

  it('when the use case fails, then the clicker reads that nothing was sent and the failure is logged', async () => {
    const t = listenerDeps(async () => {
      throw new Error('database unavailable');
    });
    const c = click();
    await sendClick(t.deps)(c.args);
    expect(c.responses).toEqual([
      {
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Something went wrong on our side; nothing was sent. Please try again.',
      },
    ]);
    expect(t.errors).toHaveLength(1);
  });

  it('when even the answer to a failure cannot be delivered, then the listener still returns normally', async () => {
    const t = listenerDeps(async () => {
      throw new Error('database unavailable');
    });
    const c = click();
    const failing = { ...c.args, respond: async () => Promise.reject(new Error('response_url expired')) };
    await expect(sendClick(t.deps)(failing as ButtonClickArgs)).resolves.toBeUndefined();
  });

  it("when the click names a team, then that team (not the user's home team) is the clicker's", async () => {
    const t = listenerDeps(async () => undefined);
    await sendClick(t.deps)(click({ team: 'T7' }).args);
    expect(t.clicks[0]!.teamId).toBe('T7');
  });
});
