import { eventually } from '../helpers/stack';
import { seedConnection } from '../helpers/connect';
import {
  auditResults,
  callTool,
  clickButton,
  draftRow,
  postTrigger,
  responsesTo,
  sendRequestCount,
  stageDraft,
  useSendStack,
  waitForResponse,
} from '../helpers/send-flow';

const CHANNEL = 'C0ROBUST';

describe('confirm-to-send robustness', () => {
  const ctx = useSendStack({ SEND_SWEEP_INTERVAL_MS: '300' });
  let seq = 0;

  async function connectedUser() {
    const userId = `U${String(++seq).padStart(4, '0')}ROBUST`;
    const email = `robust${seq}@example.com`;
    await seedConnection(ctx.stack, { userId, email });
    return { userId, email };
  }

  const stage = (userId: string, over: Record<string, unknown> = {}) =>
    stageDraft(ctx.stack, { userId, channelId: CHANNEL }, over);

  const click = (userId: string, value: string) =>
    clickButton(ctx.stack, { userId, value, channelId: CHANNEL });

  it('when recipients and subject are as long as allowed, then the preview is accepted by Slack and the email keeps the whole subject', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const domain = `${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.com`;
    // Each mailbox string is at most 320 characters: a 240-character address and a 70-odd name.
    const recipients = Array.from(
      { length: 50 },
      (_, i) => `"${'Name '.repeat(14)}${i}" <r${String(i).padStart(2, '0')}${'x'.repeat(50)}@${domain}>`,
    );
    const subject = 's'.repeat(998);
    const staged = await stage(userId, {
      to: recipients.slice(0, 30),
      cc: recipients.slice(30, 40),
      bcc: recipients.slice(40),
      subject,
    });
    // The emulator refuses a section over 3000 characters, as Slack does; the ephemeral went through.
    expect(staged.message.kind).toBe('postEphemeral');
    expect(staged.message.text!.length).toBeLessThanOrEqual(4000);
    // Every recipient is listed exactly (no "and N more"): what Send sends to is what the preview shows.
    const shown = JSON.stringify(staged.message.blocks);
    expect(shown).not.toMatch(/and \d+ more/);
    for (let i = 0; i < 50; i++)
      expect(shown).toContain(`r${String(i).padStart(2, '0')}${'x'.repeat(50)}@${domain}`);

    const since = stack.slack.messages.length;
    await click(userId, staged.buttons.send);
    const outcome = await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
    expect(outcome.text!.length).toBeLessThanOrEqual(4000);
    const [sent] = stack.google.sent(email);
    expect(sent!.headers.subject).toBe(subject);
    expect(sent!.bcc).toHaveLength(10);
    const lines = sent!.headerLines.flatMap((l) => l.split('\r\n'));
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(998);
    for (const line of lines.filter((l) => /^(Subject:| =\?)/.test(l)))
      expect(line.length).toBeLessThanOrEqual(78);
    expect((await draftRow(db, staged.id)).status).toBe('sent');
  });

  it('when Send is clicked, then "Sending…" reaches the owner before the outcome, which is the last word', async () => {
    const { stack } = ctx;
    const { userId } = await connectedUser();
    const staged = await stage(userId);
    const since = stack.slack.messages.length;
    await click(userId, staged.buttons.send);
    await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
    // Give a late "Sending…" (the bug this guards against) the time to arrive.
    await new Promise((r) => setTimeout(r, 300));
    const texts = responsesTo(stack, userId, since).map((m) => m.text ?? '');
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^:hourglass_flowing_sand: Sending/);
    expect(texts[1]).toMatch(/Sent to/);
  });

  it('when "Sending…" cannot be shown after the claim, then the email is still sent and nobody is told nothing was sent', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    const since = stack.slack.messages.length;
    stack.slack.fail('response_url', { status: 500 });
    await click(userId, staged.buttons.send);
    await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
    expect(stack.google.sent(email)).toHaveLength(1);
    expect(responsesTo(stack, userId, since).filter((m) => /nothing was sent/i.test(m.text ?? ''))).toEqual(
      [],
    );
    await eventually(async () => (await auditResults(db, staged.id)).includes('success'));
    expect(await auditResults(db, staged.id)).toEqual(expect.arrayContaining(['sending', 'success']));
  });

  it('when Gmail keeps answering 429, then every attempt waits for Retry-After and the draft fails after five in all', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    const before = sendRequestCount(stack);
    stack.google.fail('gmail.send', { status: 429, retryAfter: 1, times: 20 });
    const since = stack.slack.messages.length;
    const started = Date.now();
    await click(userId, staged.buttons.send);
    const told = await waitForResponse(stack, userId, since, (m) => /Failed/.test(m.text ?? ''), 30_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 1000);
    expect(told.text).toContain('sending limits');
    expect(await draftRow(db, staged.id)).toMatchObject({ status: 'failed', send_attempts: 5 });
    expect(sendRequestCount(stack) - before).toBe(5);
    expect(stack.google.sent(email)).toHaveLength(0);
  });

  it('when a request has unknown and invalid fields or is not an object, then the unknown field is reported first', async () => {
    const { stack } = ctx;
    const { userId } = await connectedUser();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    expect(
      await callTool(stack, { trigger_message_ts: ts, to: 42, subject: 1, from: 'x@example.com' }),
    ).toMatchObject({
      status: 400,
      json: { error: 'unknown_field', field: 'from' },
    });
    for (const body of ['hello', [1, 2], null]) {
      expect(await callTool(stack, body)).toMatchObject({ status: 400, json: { field: '(request)' } });
    }
  });

  it('when the subject or a display name hides a bidi override or line separator, then nothing is staged', async () => {
    const { stack } = ctx;
    const { userId } = await connectedUser();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const base = { trigger_message_ts: ts, to: ['bob@example.com'], subject: 'Hi', body: 'x' };
    for (const [over, field] of [
      [{ subject: 'Invoice \u202Efdp.exe' }, 'subject'],
      [{ subject: 'Hi\u2028Bcc: x' }, 'subject'],
      [{ to: ['"Bank\u200B" <bob@example.com>'] }, 'to[0]'],
    ] as const) {
      expect(await callTool(stack, { ...base, ...over })).toMatchObject({ status: 400, json: { field } });
    }
  });
});
