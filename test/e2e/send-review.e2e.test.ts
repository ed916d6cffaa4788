import type { PostedMessage, SlackView } from '@mailbridge/slack-emulator';
import { signButton } from '../../src/modules/send/domain/button-token';
import { SEND_SCOPE, seedConnection } from '../helpers/connect';
import {
  auditResults,
  clickButton,
  draftRow,
  requestDraft,
  sendRequestCount,
  useSendStack,
  waitForResponse,
} from '../helpers/send-flow';
import { eventually, type Stack } from '../helpers/stack';

const CHANNEL = 'C0REVIEWTEST';
const VIEW_ACTION = 'send_email_view_full';
const REVIEW_CALLBACK = 'send_email_review';

type Block = {
  type: string;
  text?: { type: string; text: string };
  elements?: Array<{ action_id?: string; value?: string }>;
};

const actionsOf = (blocks: unknown) =>
  ((blocks as Block[]) ?? []).flatMap((b) => (b.type === 'actions' ? b.elements! : []));
const valueOf = (m: PostedMessage, actionId: string) =>
  actionsOf(m.blocks).find((e) => e.action_id === actionId)?.value;
/** The plain-text sections of a message or view: the subject first, then the body. */
const plainTexts = (blocks: unknown) =>
  ((blocks as Block[]) ?? []).filter((b) => b.text?.type === 'plain_text').map((b) => b.text!.text);
/** The body as shown: the plain-text sections after the subject's. */
const bodyTexts = (blocks: unknown) => plainTexts(blocks).slice(1);

/** A long, varied body: lines, mrkdwn look-alikes, emoji, an instruction hidden at the end. */
const longBody = (n: number) =>
  `${Array.from({ length: 300 }, (_, i) => `Line ${i}: *not bold* <@U1> & <https://x.example|y> 😀 ${'w'.repeat(i % 40)}`).join('\n')}`.slice(
    0,
    n - 40,
  ) + '\nP.S. wire the money to account 12345.';

/** Stages a draft and waits for its preview (with Send or with View full email). */
async function stageAndWait(stack: Stack, userId: string, over: Record<string, unknown>) {
  const { answer, since } = await requestDraft(stack, { userId, channelId: CHANNEL }, over);
  expect(answer.status).toBe(202);
  const message = await stack.slack.waitForMessage(
    (m) =>
      stack.slack.messages.indexOf(m) >= since &&
      m.kind === 'postEphemeral' &&
      m.user === userId &&
      actionsOf(m.blocks).length > 0,
  );
  return { id: answer.json.id as string, message };
}

describe('everything that will be sent is seen', () => {
  let seq = 0;
  const ctx = useSendStack();

  async function connectedUser() {
    const userId = `U${String(++seq).padStart(4, '0')}REVW`;
    const email = `reviewer${seq}@example.com`;
    ctx.stack.slack.addUser({ id: userId, name: `reviewer${seq}` });
    await seedConnection(ctx.stack, { userId, email, scopes: [SEND_SCOPE] });
    return { userId, email };
  }

  /** Stages a draft and waits for its preview (with Send or with View full email). */
  const stage = (userId: string, over: Record<string, unknown>) => stageAndWait(ctx.stack, userId, over);

  const click = (userId: string, value: string, actionId: string) =>
    clickButton(ctx.stack, { userId, value, actionId, channelId: CHANNEL });

  async function openReview(userId: string, preview: PostedMessage): Promise<SlackView> {
    const { stack } = ctx;
    await click(userId, valueOf(preview, VIEW_ACTION)!, VIEW_ACTION);
    return stack.slack.waitForView(
      (v) => v.callback_id === REVIEW_CALLBACK && stack.slack.topModal(userId)?.id === v.id,
    );
  }

  it('when the body fits, then the preview shows it whole with Send', async () => {
    const { userId } = await connectedUser();
    const body = longBody(4_900);
    const staged = await stage(userId, { body });
    expect(bodyTexts(staged.message.blocks).join('')).toBe(body);
    expect(valueOf(staged.message, 'send_email_send')).toBeDefined();
    expect(valueOf(staged.message, VIEW_ACTION)).toBeUndefined();
  });

  it('when the body is long, then only the modal shows it whole and only its Send sends exactly that body', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const stranger = await connectedUser();
    const body = longBody(12_000);
    const staged = await stage(userId, { body, to: ['Bob <bob@example.com>'], cc: ['carol@example.org'] });
    expect(valueOf(staged.message, 'send_email_send')).toBeUndefined();
    expect(bodyTexts(staged.message.blocks).join('')).not.toContain('wire the money');

    // A Send value for this draft, validly signed, clicked as a message button: refused.
    const forged = signButton(stack.env.GMAIL_OAUTH_STATE_SIGNING_KEY!, {
      draftId: staged.id,
      userId,
      teamId: stack.slack.teamId,
      action: 'send',
      expiresAt: new Date(Date.now() + 60_000),
      version: 1,
    });
    let since = stack.slack.messages.length;
    await click(userId, forged, 'send_email_send');
    await waitForResponse(stack, userId, since, (m) => /View full email/.test(m.text ?? ''));
    expect((await draftRow(db, staged.id)).status).toBe('pending');

    // Someone else clicking View full email: told whose it is, no modal.
    since = stack.slack.messages.length;
    await click(stranger.userId, valueOf(staged.message, VIEW_ACTION)!, VIEW_ACTION);
    await waitForResponse(stack, stranger.userId, since, (m) =>
      new RegExp(`Only <@${userId}>`).test(m.text ?? ''),
    );
    expect(stack.slack.modals(stranger.userId)).toEqual([]);
    await eventually(async () => (await auditResults(db, staged.id)).includes('denied'));

    const modal = await openReview(userId, staged.message);
    const [subject, ...bodyParts] = plainTexts(modal.blocks);
    expect(subject).toBe('Quarterly numbers');
    expect(bodyParts.join('')).toBe(body);
    const shown = JSON.stringify(modal.blocks);
    expect(shown).toContain('*To:*');
    expect(shown).toContain('`bob@example.com` (Bob)');
    expect(shown).toContain('*Cc:*');
    expect(shown).toContain('`carol@example.org`');

    since = stack.slack.messages.length;
    const submitted = await stack.slack.submitView({ userId });
    expect(submitted.responseAction).toBe('clear');
    expect(submitted.modals).toEqual([]);
    await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
    const sent = stack.google.sent(email);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toBe(body);
    expect(await auditResults(db, staged.id)).toEqual(
      expect.arrayContaining(['sending', 'success', 'denied']),
    );
  });

  it('when the modal is submitted after the email was sent or expired, then the modal says so and nothing more is sent', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId, { body: longBody(9_000) });
    const first = await openReview(userId, staged.message);
    expect(first.callback_id).toBe(REVIEW_CALLBACK);
    await db.query(`UPDATE email_drafts SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      staged.id,
    ]);
    const late = await stack.slack.submitView({ userId });
    expect(late.responseAction).toBe('update');
    expect(JSON.stringify(late.modals.at(-1)?.blocks)).toMatch(/Expired/);
    expect(stack.google.sent(email)).toHaveLength(0);
  });

  it('when recipients are outside the workspace or never written to, then they are marked, and after a send that address is no longer new', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const to = ['bob@example.com', 'Zoe <zoe@outside.org>'];
    const first = await stage(userId, { to, body: 'short' });
    const header = () => JSON.stringify(first.message.blocks);
    expect(header()).toContain('*To:* `bob@example.com` _new_, `zoe@outside.org` (Zoe) _external, new_');

    const since = stack.slack.messages.length;
    await click(userId, valueOf(first.message, 'send_email_send')!, 'send_email_send');
    await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
    expect(stack.google.sent(email)).toHaveLength(1);
    await eventually(async () => {
      const rows = await db.query('SELECT address_hash FROM sent_recipients WHERE user_id = $1', [userId]);
      return rows.rows.length === 2;
    });
    const stored = await db.query('SELECT * FROM sent_recipients WHERE user_id = $1', [userId]);
    expect(JSON.stringify(stored.rows)).not.toMatch(/bob|zoe|outside|example\.com/);

    const second = await stage(userId, { to: [...to, 'carol@example.com'], body: 'again' });
    expect(JSON.stringify(second.message.blocks)).toContain(
      '*To:* `bob@example.com`, `zoe@outside.org` (Zoe) _external_, `carol@example.com` _new_',
    );
    // Another person's history is their own.
    const other = await connectedUser();
    const third = await stage(other.userId, { to, body: 'mine' });
    expect(JSON.stringify(third.message.blocks)).toContain('`bob@example.com` _new_');
  });

  it("when someone else submits a modal carrying the owner's Send, then it is refused, audited and nothing is sent", async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const stranger = await connectedUser();
    const staged = await stage(userId, { body: longBody(8_000) });
    const modal = await openReview(userId, staged.message);
    // The stranger's own modal with the owner's private_metadata (as if it had been copied).
    const res = await fetch(new URL('views.open', stack.env.SLACK_API_URL), {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.env.SLACK_BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        trigger_id: stack.slack.issueTriggerId(stranger.userId),
        view: {
          type: 'modal',
          callback_id: REVIEW_CALLBACK,
          private_metadata: modal.private_metadata,
          title: { type: 'plain_text', text: 'Review email' },
          submit: { type: 'plain_text', text: 'Send' },
          blocks: [{ type: 'section', text: { type: 'plain_text', text: 'copy' } }],
        },
      }),
    });
    const opened = (await res.json()) as Record<string, unknown>;
    expect(opened).toEqual(expect.objectContaining({ ok: true }));
    const refused = await stack.slack.submitView({ userId: stranger.userId });
    expect(refused.responseAction).toBe('update');
    expect(JSON.stringify(refused.modals.at(-1)?.blocks)).toContain(`Only <@${userId}>`);
    expect((await draftRow(db, staged.id)).status).toBe('pending');
    expect(await auditResults(db, staged.id)).toContain('denied');
    expect(stack.google.sent(email)).toHaveLength(0);
  });

  it('when an edit is saved after the modal was opened, then the modal’s Send is refused as changed and nothing is sent', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId, { body: longBody(7_000) });
    const modal = await openReview(userId, staged.message);
    // Another device saved an edit meanwhile (the emulator keeps one modal stack per person, so the
    // new version is written as the edit's compare-and-set writes it).
    await db.query('UPDATE email_drafts SET version = version + 1, edited_at = now() WHERE id = $1', [
      staged.id,
    ]);
    const refused = await stack.slack.submitView({ userId, viewId: modal.id });
    expect(refused.responseAction).toBe('update');
    expect(JSON.stringify(refused.modals.at(-1)?.blocks)).toContain('changed after you saw it');
    expect((await draftRow(db, staged.id)).status).toBe('pending');
    expect(stack.google.sent(email)).toHaveLength(0);
  });

  it('when an attacker hides among 45 Bcc addresses of a short email, then the preview lists every one and Send sends to exactly those', async () => {
    const { stack } = ctx;
    const { userId, email } = await connectedUser();
    const bcc = Array.from(
      { length: 45 },
      (_, i) => `colleague.number.${i}.with.a.long.name@partner-company-example.com`,
    );
    bcc.push('attacker@evil.example');
    const staged = await stage(userId, { body: 'Hi', bcc });
    const shown = JSON.stringify(staged.message.blocks);
    for (const address of bcc) expect(shown).toContain(`\`${address}\``);
    expect(shown).not.toMatch(/and \d+ more/);
    const since = stack.slack.messages.length;
    await click(userId, valueOf(staged.message, 'send_email_send')!, 'send_email_send');
    await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
    const [sent] = stack.google.sent(email);
    expect(sent!.raw).toContain('attacker@evil.example');
  });

  it('when a body is longer than a modal can show, then staging answers 400 naming the limit', async () => {
    const { userId } = await connectedUser();
    const { answer } = await requestDraft(
      ctx.stack,
      { userId, channelId: CHANNEL },
      { body: 'x'.repeat(50_001) },
    );
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'body_too_long', field: 'body' });
    expect(answer.json.message).toContain('50000 characters');
  });

  it('when the modal is submitted twice and a Send button is clicked at once, over many rounds, then Gmail sends once', async () => {
    const { stack } = ctx;
    const { userId, email } = await connectedUser();
    const before = sendRequestCount(stack);
    for (let round = 0; round < 10; round++) {
      const staged = await stage(userId, { body: longBody(6_000 + round) });
      const modal = await openReview(userId, staged.message);
      const forged = signButton(stack.env.GMAIL_OAUTH_STATE_SIGNING_KEY!, {
        draftId: staged.id,
        userId,
        teamId: stack.slack.teamId,
        action: 'send',
        expiresAt: new Date(Date.now() + 60_000),
        version: 1,
      });
      const jitter = () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)));
      await Promise.allSettled([
        jitter().then(() => stack.slack.submitView({ userId, viewId: modal.id })),
        jitter().then(() => stack.slack.submitView({ userId, viewId: modal.id })),
        jitter().then(() => click(userId, forged, 'send_email_send')),
      ]);
      await eventually(() => stack.google.sent(email).length === round + 1);
    }
    await eventually(async () => {
      const rows = await ctx.db.query(
        `SELECT count(*)::int AS n FROM email_drafts WHERE user_id = $1 AND status = 'sent'`,
        [userId],
      );
      return rows.rows[0].n === 10;
    });
    expect(stack.google.sent(email)).toHaveLength(10);
    expect(sendRequestCount(stack) - before).toBe(10);
  });
});

describe('the workspace email domains', () => {
  const ctx = useSendStack({ WORKSPACE_EMAIL_DOMAINS: 'Example.com, partner.org' });

  it('when WORKSPACE_EMAIL_DOMAINS is set, then it decides who is external, not the connected account', async () => {
    const { stack } = ctx;
    const userId = 'U0001WSDOM';
    stack.slack.addUser({ id: userId, name: 'wsdom' });
    await seedConnection(stack, { userId, email: 'ada@gmail.example', scopes: [SEND_SCOPE] });
    const { answer, since } = await requestDraft(
      stack,
      { userId, channelId: CHANNEL },
      {
        to: ['bob@example.com', 'pat@partner.org'],
        cc: ['ann@gmail.example', 'sub@eu.partner.org'],
        body: 'x',
      },
    );
    expect(answer.status).toBe(202);
    const preview = await stack.slack.waitForMessage(
      (m) => stack.slack.messages.indexOf(m) >= since && m.kind === 'postEphemeral' && m.user === userId,
    );
    const shown = JSON.stringify(preview.blocks);
    expect(shown).toContain('*To:* `bob@example.com` _new_, `pat@partner.org` _new_');
    expect(shown).toContain(
      '*Cc:* `ann@gmail.example` _external, new_, `sub@eu.partner.org` _external, new_',
    );
  });
});

describe('the modal’s Send and the send limits', () => {
  const ctx = useSendStack({ GMAIL_SEND_USER_HOURLY_LIMIT: '1' });

  it('when the hourly limit is reached, then the modal’s Send is refused saying so and nothing more is sent', async () => {
    const { stack, db } = ctx;
    const userId = 'U0001LIMT';
    const email = 'limited@example.com';
    stack.slack.addUser({ id: userId, name: 'limited' });
    await seedConnection(stack, { userId, email, scopes: [SEND_SCOPE] });
    const stage = (body: string) => stageAndWait(stack, userId, { body });
    const first = await stage('short');
    const since = stack.slack.messages.length;
    await clickButton(stack, {
      userId,
      value: valueOf(first.message, 'send_email_send')!,
      actionId: 'send_email_send',
      channelId: CHANNEL,
    });
    await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));

    const second = await stage(longBody(6_000));
    await clickButton(stack, {
      userId,
      value: valueOf(second.message, VIEW_ACTION)!,
      actionId: VIEW_ACTION,
      channelId: CHANNEL,
    });
    const modal = await stack.slack.waitForView(
      (v) => v.callback_id === REVIEW_CALLBACK && stack.slack.topModal(userId)?.id === v.id,
    );
    const refused = await stack.slack.submitView({ userId, viewId: modal.id });
    expect(refused.responseAction).toBe('update');
    expect(JSON.stringify(refused.modals.at(-1)?.blocks)).toContain('limit of 1 email per hour');
    expect((await draftRow(db, second.id)).status).toBe('pending');
    expect(stack.google.sent(email)).toHaveLength(1);
  });
});
