import { setTimeout as sleep } from 'node:timers/promises';
import type { PostedMessage } from '@mailbridge/slack-emulator';
import { SEND_SCOPE, seedConnection } from '../helpers/connect';
import {
  auditResults,
  buttonsOf,
  clickButton,
  dmChannelOf,
  draftRow,
  draftStatus,
  responsesTo,
  sendRequestCount,
  stageDraft,
  useSendStack,
  waitForResponse,
} from '../helpers/send-flow';

const CHANNEL = 'C0EDITTEST';
const EDIT_ACTION = 'send_email_edit';
const EDIT_CALLBACK = 'send_email_edit';

type Block = { type: string; block_id?: string; element?: { initial_value?: string } };
type Element = { action_id?: string; value?: string };

const editValueOf = (m: PostedMessage) =>
  (m.blocks as Array<{ type: string; elements?: Element[] }>)
    .find((b) => b.type === 'actions')
    ?.elements?.find((e) => e.action_id === EDIT_ACTION)?.value;

const initial = (blocks: unknown[], blockId: string) =>
  (blocks as Block[]).find((b) => b.block_id === blockId)?.element?.initial_value ?? '';

describe('edit before Send', () => {
  let seq = 0;
  const ctx = useSendStack({ SEND_SWEEP_INTERVAL_MS: '300' });

  async function connectedUser() {
    const userId = `U${String(++seq).padStart(4, '0')}EDIT`;
    const email = `editor${seq}@example.com`;
    ctx.stack.slack.addUser({ id: userId, name: `editor${seq}` });
    await seedConnection(ctx.stack, { userId, email, scopes: [SEND_SCOPE] });
    return { userId, email };
  }

  const stage = (userId: string, over: Record<string, unknown> = {}) =>
    stageDraft(ctx.stack, { userId, channelId: CHANNEL }, over);

  const click = (userId: string, value: string, actionId: string) =>
    clickButton(ctx.stack, { userId, value, actionId, channelId: CHANNEL });

  /** Clicks Edit on the preview and waits for the modal the server opened for `userId`. */
  async function openEdit(userId: string, preview: PostedMessage) {
    const { stack } = ctx;
    await click(userId, editValueOf(preview)!, EDIT_ACTION);
    return stack.slack.waitForView(
      (v) => v.callback_id === EDIT_CALLBACK && stack.slack.topModal(userId)?.id === v.id,
    );
  }

  it('when the owner edits, then a bad address is shown on its field, the fixed email replaces the preview and is what Gmail sends', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId, {
      to: ['Bob <bob@example.com>'],
      cc: ['carol@example.com'],
      subject: 'Draft subject',
      body: 'Draft body',
    });

    const modal = await openEdit(userId, staged.message);
    expect(initial(modal.blocks, 'edit_to')).toBe('Bob <bob@example.com>');
    expect(initial(modal.blocks, 'edit_cc')).toBe('carol@example.com');
    expect(initial(modal.blocks, 'edit_bcc')).toBe('');
    expect(initial(modal.blocks, 'edit_subject')).toBe('Draft subject');
    expect(initial(modal.blocks, 'edit_body_0')).toBe('Draft body');

    const bad = await stack.slack.submitView({
      userId,
      values: { edit_to: { value: 'Bob <bob@example.com>\nzoe@@example.com' } },
    });
    expect(bad.responseAction).toBe('errors');
    expect(bad.errors?.edit_to).toMatch(/^Recipient 2: /);
    expect(bad.modals).toHaveLength(1);
    expect((await draftRow(db, staged.id)).version).toBe(1);

    const since = stack.slack.messages.length;
    const good = await stack.slack.submitView({
      userId,
      values: {
        edit_to: { value: 'Zoe <zoe@example.com>' },
        edit_cc: { value: '' },
        edit_subject: { value: 'Edited subject' },
        edit_body_0: { value: 'Edited body\nsecond line' },
      },
    });
    expect(good.responseAction).toBeUndefined();
    expect(good.modals).toEqual([]);
    const replaced = await waitForResponse(stack, userId, since, (m) => buttonsOf(m) !== undefined);
    expect(replaced.replaceOriginal).toBe(true);
    expect(replaced.text).toContain('zoe@example.com');
    expect(JSON.stringify(replaced.blocks)).toContain('Edited body\\nsecond line');
    expect(JSON.stringify(replaced.blocks)).not.toContain('carol@example.com');
    expect(await draftRow(db, staged.id)).toMatchObject({
      version: 2,
      status: 'pending',
      recipient_count: 1,
    });

    // The old preview's Send names version 1: refused, nothing sent.
    const beforeOld = stack.slack.messages.length;
    await click(userId, staged.buttons.send, 'send_email_send');
    const stale = await waitForResponse(stack, userId, beforeOld, (m) =>
      /changed after you saw it/.test(m.text ?? ''),
    );
    expect(stale.replaceOriginal).toBe(false);
    expect(sendRequestCount(stack)).toBe(0);

    const beforeSend = stack.slack.messages.length;
    await click(userId, buttonsOf(replaced)!.send, 'send_email_send');
    await waitForResponse(stack, userId, beforeSend, (m) => /Sent to/.test(m.text ?? ''));
    const [sent, ...more] = stack.google.sent(email);
    expect(more).toEqual([]);
    expect(sent!.raw).toMatch(/^To: "Zoe" <zoe@example\.com>\r?$/m);
    expect(sent!.raw).toMatch(/^Subject: Edited subject\r?$/m);
    expect(sent!.raw).not.toMatch(/^Cc:/m);
    expect(sent!.raw).not.toContain('bob@example.com');
    expect(sent!.body).toBe('Edited body\nsecond line');

    const status = await draftStatus(stack, staged.id);
    expect(status.json).toMatchObject({ status: 'sent', edited: true, recipient_count: 1 });
    expect(await auditResults(db, staged.id)).toEqual(
      expect.arrayContaining(['staged', 'edited', 'sending', 'success']),
    );
  });

  it('when someone else clicks Edit, then no modal opens for them and they are told whose email it is', async () => {
    const { stack } = ctx;
    const owner = await connectedUser();
    const other = await connectedUser();
    const staged = await stage(owner.userId);
    const since = stack.slack.messages.length;
    await click(other.userId, editValueOf(staged.message)!, EDIT_ACTION);
    const notice = await waitForResponse(stack, other.userId, since, () => true);
    expect(notice.text).toBe(`Only <@${owner.userId}> can edit this email.`);
    expect(stack.slack.modals(other.userId)).toEqual([]);
    expect((await draftStatus(stack, staged.id)).json).toMatchObject({ edited: false });
  });

  it('when the preview came by DM, then the edit updates that message in place and its Send sends the edit', async () => {
    const { stack } = ctx;
    const { userId, email } = await connectedUser();
    stack.slack.fail('chat.postEphemeral', { error: 'channel_not_found' });
    const staged = await stage(userId);
    const dm = dmChannelOf(stack, userId);
    expect(staged.message).toMatchObject({ kind: 'postMessage', channel: dm });
    await stack.slack.blockAction({
      userId,
      actionId: EDIT_ACTION,
      value: editValueOf(staged.message)!,
      channelId: dm,
      messageTs: staged.message.ts,
    });
    await stack.slack.waitForView(
      (v) => v.callback_id === EDIT_CALLBACK && stack.slack.topModal(userId)?.id === v.id,
    );
    await stack.slack.submitView({ userId, values: { edit_body_0: { value: 'Edited by DM' } } });
    const updated = await stack.slack.waitForMessage(
      (m) =>
        m.kind === 'update' && m.channel === dm && m.ts === staged.message.ts && buttonsOf(m) !== undefined,
    );
    expect(JSON.stringify(updated.blocks)).toContain('Edited by DM');
    await stack.slack.blockAction({
      userId,
      actionId: 'send_email_send',
      value: buttonsOf(updated)!.send,
      channelId: dm,
      messageTs: staged.message.ts,
    });
    await stack.slack.waitForMessage(
      (m) =>
        m.kind === 'update' && m.channel === dm && m.ts === staged.message.ts && /Sent to/.test(m.text ?? ''),
    );
    expect(stack.google.sent(email).map((m) => m.body)).toEqual(['Edited by DM']);
  });

  it('when the email was cancelled while the modal was open, then saving is refused in the modal and nothing changes', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    await openEdit(userId, staged.message);
    const since = stack.slack.messages.length;
    await click(userId, staged.buttons.cancel, 'send_email_cancel');
    await waitForResponse(stack, userId, since, (m) => /Cancelled/.test(m.text ?? ''));
    const refused = await stack.slack.submitView({ userId, values: { edit_body_0: { value: 'Too late' } } });
    expect(refused.responseAction).toBe('update');
    expect(JSON.stringify(refused.modals.at(-1)?.blocks)).toContain('cancelled; it can no longer be edited');
    expect(await draftRow(db, staged.id)).toMatchObject({ status: 'cancelled', version: 1 });
    expect(await auditResults(db, staged.id)).not.toContain('edited');
    expect(stack.google.sent(email)).toEqual([]);
  });

  it('when Send and an edit submission race (random timing, 12 rounds), then exactly one wins and Gmail sends only a version the person saw, at most once', async () => {
    const { stack, db } = ctx;
    for (let round = 0; round < 12; round++) {
      const { userId, email } = await connectedUser();
      const staged = await stage(userId, { body: `original ${round}` });
      await openEdit(userId, staged.message);
      const since = stack.slack.messages.length;
      const [submitted] = await Promise.all([
        sleep(Math.floor(Math.random() * 15)).then(() =>
          stack.slack.submitView({ userId, values: { edit_body_0: { value: `edited ${round}` } } }),
        ),
        sleep(Math.floor(Math.random() * 15)).then(() =>
          click(userId, staged.buttons.send, 'send_email_send'),
        ),
      ]);
      // The Send click's own answer says whether it claimed: "Sending…" or the stale notice.
      const answer = await waitForResponse(stack, userId, since, (m) =>
        /Sending|changed after you saw it/.test(m.text ?? ''),
      );
      const sendWon = /Sending/.test(answer.text ?? '');
      if (sendWon) {
        expect(submitted.responseAction).toBe('update');
        await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
        const sent = stack.google.sent(email);
        expect(sent.map((m) => m.body)).toEqual([`original ${round}`]);
        expect(await draftRow(db, staged.id)).toMatchObject({ version: 1, status: 'sent' });
      } else {
        expect(submitted.responseAction).toBeUndefined();
        expect(stack.google.sent(email)).toEqual([]);
        expect(await draftRow(db, staged.id)).toMatchObject({ version: 2, status: 'pending' });
        expect(responsesTo(stack, userId, since).some((m) => /Sending/.test(m.text ?? ''))).toBe(false);
      }
    }
  });
});

describe('edit before Send under a recipient policy', () => {
  const ctx = useSendStack({ SEND_BLOCKED_DOMAINS: 'blocked.example' });

  it('when an edit names a recipient in a blocked domain, then the refusal is shown on that field and the draft keeps its version', async () => {
    const { stack, db } = ctx;
    const userId = 'U0001POLICYEDIT';
    stack.slack.addUser({ id: userId, name: 'policy-editor' });
    await seedConnection(stack, { userId, email: 'policy-editor@example.com', scopes: [SEND_SCOPE] });
    const staged = await stageDraft(stack, { userId, channelId: CHANNEL });
    await clickButton(stack, {
      userId,
      value: editValueOf(staged.message)!,
      channelId: CHANNEL,
      actionId: EDIT_ACTION,
    });
    await stack.slack.waitForView(
      (v) => v.callback_id === EDIT_CALLBACK && stack.slack.topModal(userId)?.id === v.id,
    );
    const refused = await stack.slack.submitView({
      userId,
      values: { edit_cc: { value: 'ok@example.com\neve@blocked.example' } },
    });
    expect(refused.responseAction).toBe('errors');
    expect(refused.errors).toEqual({
      edit_cc: expect.stringMatching(/^Recipient 2: eve@blocked\.example .*blocked\.example/),
    });
    expect(await draftRow(db, staged.id)).toMatchObject({ version: 1, status: 'pending' });
    expect(await auditResults(db, staged.id)).not.toContain('edited');
  });
});
