import { signButton, type ButtonAction } from '../../src/modules/send/domain/button-token';
import { createConfirmClick, type ClickReply } from '../../src/modules/send/domain/confirm-click';
import type { Decision } from '../../src/modules/send/domain/decisions';
import { createEditDraft, type EditResult } from '../../src/modules/send/domain/edit-draft';
import { verifyEditState, type EditFields } from '../../src/modules/send/domain/edit-form';
import { editedEventId, outcomeEventId } from '../../src/modules/send/domain/outcome-event';
import { sendErrors } from '../../src/modules/send/domain/errors';
import type { Draft, DraftContent } from '../../src/modules/send/domain/types';
import { HELLO_CONTENT, manualClock, memoryDrafts, pendingDraft, quietLog } from '../helpers/send-fakes';

const KEY = 'k'.repeat(32);
const CONTENT: DraftContent = {
  ...HELLO_CONTENT,
  to: [{ address: 'bob@example.com', name: 'Bob, Jr.' }, { address: 'carol@example.com' }],
  cc: [{ address: 'dan@example.com' }],
  reply: { threadId: 't1', messageId: '<m1@x>', references: ['<m1@x>'], from: 'Ann', subject: 'Hi' },
};

function setup(over: { policy?: (to: string[]) => void } = {}) {
  const clock = manualClock();
  const draft = pendingDraft(clock.now());
  const drafts = memoryDrafts(draft);
  drafts.contents.set(draft.id, CONTENT);
  const calls: string[] = [];
  const decisions: Decision[] = [];
  const shown: Array<{ draft: Draft; content: DraftContent; responseUrl?: string }> = [];
  const record = async (d: Decision) => {
    decisions.push(d);
  };
  const edit = createEditDraft({
    drafts,
    edits: drafts,
    clock,
    signingKey: KEY,
    checkRecipients: (valid) => over.policy?.(valid.to.map((m) => m.address)),
    async showEdited(d, content, responseUrl) {
      calls.push('show');
      shown.push({ draft: d, content, responseUrl });
    },
    record,
    log: quietLog,
  });
  const confirm = createConfirmClick({
    drafts,
    clock,
    signingKey: KEY,
    limits: {
      consumeDraft: async () => ({ allowed: true }),
      consumeSend: async () => ({ allowed: true }),
      refundSend: async () => undefined,
    },
    enqueueSend: async () => {
      calls.push('enqueue');
    },
    openContent: (d) => drafts.openContent(d),
    record,
    log: quietLog,
  });
  const button = (action: ButtonAction, version = 1, userId = 'U1') =>
    signButton(KEY, { draftId: draft.id, userId, teamId: 'T1', action, expiresAt: draft.expiresAt, version });
  const open = (userId = 'U1') =>
    edit.open({
      teamId: 'T1',
      userId,
      value: button('edit', 1, 'U1'),
      responseUrl: 'https://hooks.slack.test/r/1',
    });
  const results: EditResult[] = [];
  const submit = (state: string, fields: EditFields, userId = 'U1') =>
    edit.submit({ teamId: 'T1', userId, state, fields }, async (r) => {
      calls.push(`answer:${r.kind}`);
      results.push(r);
    });
  const replies: ClickReply[] = [];
  const click = (version: number) =>
    confirm({ teamId: 'T1', userId: 'U1', action: 'send', value: button('send', version) }, async (r) => {
      replies.push(r);
    });
  const row = () => drafts.rows.get(draft.id)!;
  return { clock, draft, drafts, calls, decisions, shown, open, submit, results, click, replies, row };
}

async function opened(t: ReturnType<typeof setup>) {
  const o = await t.open();
  if (o.kind !== 'open') throw new Error(`not opened: ${JSON.stringify(o)}`);
  return o;
}

describe('edit before Send', () => {
  it('when the owner clicks Edit, then the modal is prefilled and its state names the draft, owner and version', async () => {
    const t = setup();
    const o = await opened(t);
    expect(o.fields).toEqual({
      to: '"Bob, Jr." <bob@example.com>\ncarol@example.com',
      cc: 'dan@example.com',
      bcc: '',
      subject: 'Hello',
      body: ['Hi Bob'],
    });
    expect(verifyEditState(KEY, o.state)).toMatchObject({
      draftId: t.draft.id,
      userId: 'U1',
      teamId: 'T1',
      version: 1,
      responseUrl: 'https://hooks.slack.test/r/1',
    });
  });

  it('when someone else clicks Edit, then nothing opens and the attempt is audited as denied', async () => {
    const t = setup();
    const o = await t.open('U2');
    expect(o).toEqual({ kind: 'notice', notice: { reason: 'not_owner', ownerId: 'U1' } });
    expect(t.decisions).toEqual([
      expect.objectContaining({ result: 'denied', reason: 'not_owner', userId: 'U2' }),
    ]);
  });

  it('when Send was already clicked, then Edit does not open', async () => {
    const t = setup();
    await t.click(1);
    expect(t.row().status).toBe('sending');
    expect(await t.open()).toEqual({ kind: 'notice', notice: { reason: 'already', status: 'sending' } });
  });

  it('when a recipient is wrong, then the error is on its field and nothing changes', async () => {
    const t = setup();
    const o = await opened(t);
    await t.submit(o.state, { ...o.fields, to: 'bob@example.com\nnot-an-address' });
    expect(t.results).toEqual([
      {
        kind: 'invalid',
        field: 'to',
        message: expect.stringMatching(/^Recipient 2: address "not-an-address"/),
      },
    ]);
    expect(t.row()).toMatchObject({ version: 1, editedAt: null });
    expect(t.drafts.contents.get(t.draft.id)).toBe(CONTENT);
    expect(t.shown).toEqual([]);
  });

  it('when the edited body hides a character the person cannot see, then the save is refused naming it and nothing changes', async () => {
    const t = setup();
    const o = await opened(t);
    await t.submit(o.state, { ...o.fields, body: ['Please pay\u200B now', 'More \u202Etext'] });
    expect(t.results).toEqual([
      expect.objectContaining({ kind: 'invalid', message: expect.stringContaining('U+200B') }),
    ]);
    expect(t.results[0]).toMatchObject({ message: expect.stringContaining('index 10') });
    expect(t.row()).toMatchObject({ version: 1, editedAt: null });
    expect(t.shown).toEqual([]);
  });

  it('when the recipient policy refuses an address, then the refusal is shown on its field', async () => {
    const t = setup({
      policy: (to) => {
        const i = to.findIndex((a) => a.endsWith('@blocked.example'));
        if (i >= 0)
          throw sendErrors.fail('invalid_address', `to[${i}]: ${to[i]} is in a blocked domain`, {
            details: { field: `to[${i}]` },
          });
      },
    });
    const o = await opened(t);
    await t.submit(o.state, { ...o.fields, to: 'eve@blocked.example' });
    expect(t.results).toEqual([
      { kind: 'invalid', field: 'to', message: 'Recipient 1: eve@blocked.example is in a blocked domain' },
    ]);
    expect(t.row().version).toBe(1);
  });

  it('when a valid edit is saved, then it is the next version, audited, answered, then shown in place of the preview', async () => {
    const t = setup();
    const o = await opened(t);
    t.clock.advance(1000);
    await t.submit(o.state, {
      to: 'Zoe <zoe@example.com>, "Lee, Ann" <ann@example.com>',
      cc: '',
      bcc: 'boss@example.com',
      subject: ' New subject ',
      body: ['New body'],
    });
    expect(t.results).toEqual([expect.objectContaining({ kind: 'edited' })]);
    const content = t.drafts.contents.get(t.draft.id)!;
    expect(content).toEqual({
      from: CONTENT.from,
      reply: CONTENT.reply,
      to: [
        { address: 'zoe@example.com', name: 'Zoe' },
        { address: 'ann@example.com', name: 'Lee, Ann' },
      ],
      cc: [],
      bcc: [{ address: 'boss@example.com' }],
      subject: 'New subject',
      body: 'New body',
    });
    expect(t.row()).toMatchObject({
      version: 2,
      editedAt: t.clock.now(),
      recipientCount: 3,
      status: 'pending',
    });
    expect(t.calls).toEqual(['answer:edited', 'show']);
    expect(t.shown).toEqual([
      {
        draft: expect.objectContaining({ version: 2 }),
        content,
        responseUrl: 'https://hooks.slack.test/r/1',
      },
    ]);
    expect(t.decisions).toEqual([
      expect.objectContaining({ result: 'edited', draftId: t.draft.id, recipientCount: 3, content }),
    ]);
  });

  it('when the old preview’s Send is clicked after an edit, then it is refused as stale; the new version’s Send claims', async () => {
    const t = setup();
    const o = await opened(t);
    await t.submit(o.state, { ...o.fields, body: ['Changed'] });
    await t.click(1);
    expect(t.replies).toEqual([{ kind: 'notice', notice: { reason: 'stale' } }]);
    expect(t.row().status).toBe('pending');
    expect(t.calls).not.toContain('enqueue');
    await t.click(2);
    expect(t.row().status).toBe('sending');
    expect(t.calls).toContain('enqueue');
  });

  it('when Send was claimed before the edit is saved, then the edit is refused and the claimed version stays', async () => {
    const t = setup();
    const o = await opened(t);
    await t.click(1);
    await t.submit(o.state, { ...o.fields, body: ['Too late'] });
    expect(t.results).toEqual([{ kind: 'refused', notice: { reason: 'already', status: 'sending' } }]);
    expect(t.row()).toMatchObject({ version: 1, status: 'sending' });
    expect(t.drafts.contents.get(t.draft.id)).toBe(CONTENT);
  });

  it('when another edit was saved since the modal opened, then this one is refused as stale', async () => {
    const t = setup();
    const first = await opened(t);
    const second = await opened(t);
    await t.submit(first.state, { ...first.fields, body: ['First'] });
    await t.submit(second.state, { ...second.fields, body: ['Second'] });
    expect(t.results[1]).toEqual({ kind: 'refused', notice: { reason: 'stale' } });
    expect(t.drafts.contents.get(t.draft.id)!.body).toBe('First');
  });

  it('when someone else submits the modal, then it is refused, audited and nothing changes', async () => {
    const t = setup();
    const o = await opened(t);
    await t.submit(o.state, { ...o.fields, body: ['Mallory'] }, 'U2');
    expect(t.results).toEqual([{ kind: 'refused', notice: { reason: 'not_owner', ownerId: 'U1' } }]);
    expect(t.decisions).toEqual([
      expect.objectContaining({ result: 'denied', reason: 'not_owner', userId: 'U2' }),
    ]);
    expect(t.row().version).toBe(1);
  });

  it('when the modal state is forged or the draft expired, then the edit is refused', async () => {
    const t = setup();
    const o = await opened(t);
    await t.submit(`${o.state}x`, o.fields);
    t.clock.advance(16 * 60_000);
    await t.submit(o.state, o.fields);
    expect(t.results).toEqual([
      { kind: 'refused', notice: { reason: 'invalid' } },
      { kind: 'refused', notice: { reason: 'already', status: 'expired' } },
    ]);
    expect(t.row().version).toBe(1);
  });

  it('when the edited event is named, then its id never collides with a final event’s', () => {
    const ids = [
      editedEventId('d', 2),
      editedEventId('d', 3),
      ...(['sent', 'cancelled', 'expired', 'failed', 'outcome_unknown'] as const).map((s) =>
        outcomeEventId('d', s),
      ),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(editedEventId('d', 2)).toBe('d:edited:2');
  });
});
