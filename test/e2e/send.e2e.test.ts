import { randomBytes } from 'node:crypto';
import { eventually } from '../helpers/stack';
import { READONLY_SCOPE, SEND_SCOPE, seedConnection } from '../helpers/connect';
import {
  CANCEL_ACTION,
  SEND_ACTION,
  auditResults,
  callTool,
  clickButton,
  dmChannelOf,
  draftRow,
  draftStatus,
  freshTs,
  postTrigger,
  responsesTo,
  sendRequestCount,
  stageDraft,
  useSendStack,
  waitForResponse,
} from '../helpers/send-flow';

const CHANNEL = 'C0SENDTEST';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('confirm-to-send', () => {
  let seq = 0;
  const secondKey = randomBytes(24).toString('hex');
  const ctx = useSendStack({
    SEND_SWEEP_INTERVAL_MS: '300',
    AGENT_API_KEY: `${randomBytes(24).toString('hex')},${secondKey}`,
  });

  /** A Slack user with a Gmail connection of their own. */
  async function connectedUser(scopes = [SEND_SCOPE]) {
    const { stack } = ctx;
    const userId = `U${String(++seq).padStart(4, '0')}SEND`;
    const email = `person${seq}@example.com`;
    stack.slack.addUser({ id: userId, name: `person${seq}` });
    await seedConnection(stack, { userId, email, scopes });
    return { userId, email };
  }

  /** Trigger message → tool call → preview; returns what the owner sees. */
  const stage = (userId: string, over: Record<string, unknown> = {}, threadTs?: string) =>
    stageDraft(ctx.stack, { userId, channelId: CHANNEL, threadTs }, over);

  const click = (userId: string, value: string, actionId = SEND_ACTION, channelId = CHANNEL) =>
    clickButton(ctx.stack, { userId, value, actionId, channelId });

  it('when the owner clicks Send, then Gmail sends exactly the message previewed, with every header right', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const threadTs = freshTs();
    const subject = 'Résumé für das Café — 日本語 🎉';
    const body = 'Hallo Zoë,\nanbei der Entwurf.\n\nGrüße';
    const staged = await stage(
      userId,
      {
        to: ['"Zoë Müller" <zoe@example.com>', 'bob@example.org'],
        cc: 'Carol Jones <carol@example.net>',
        bcc: ['hidden@example.com'],
        subject,
        body,
      },
      threadTs,
    );
    expect(staged.answer.json).toMatchObject({ status: 'pending_confirmation', id: expect.any(String) });
    expect(Date.parse(staged.answer.json.expires_at as string)).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(staged.message).toMatchObject({ kind: 'postEphemeral', channel: CHANNEL, user: userId, threadTs });
    expect(staged.message.text).toContain('zoe@example.com');
    expect(JSON.stringify(staged.message.blocks)).toContain('Hallo Zoë');

    const since = stack.slack.messages.length;
    const ack = await click(userId, staged.buttons.send);
    expect(ack.envelope_id).toBeDefined();
    const outcome = await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
    expect(outcome.replaceOriginal).toBe(true);
    expect(outcome.text).toContain('zoe@example.com, bob@example.org, carol@example.net, hidden@example.com');

    const [sent, ...others] = stack.google.sent(email);
    expect(others).toHaveLength(0);
    expect(sent!.headersAscii).toBe(true);
    expect(sent!.headers.from).toBe(email);
    expect(sent!.headers.to).toBe('Zoë Müller <zoe@example.com>, bob@example.org');
    expect(sent!.headers.cc).toBe('"Carol Jones" <carol@example.net>');
    expect(sent!.to).toEqual(['zoe@example.com', 'bob@example.org']);
    expect(sent!.cc).toEqual(['carol@example.net']);
    expect(sent!.bcc).toEqual(['hidden@example.com']);
    expect(sent!.headers.subject).toBe(subject);
    expect(sent!.headers['mime-version']).toBe('1.0');
    expect(sent!.headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(sent!.headers['content-transfer-encoding']).toBe('base64');
    expect(Math.abs(Date.parse(sent!.headers.date!) - Date.now())).toBeLessThan(10 * 60_000);
    expect(sent!.body).toBe(body);
    for (const line of sent!.headerLines.flatMap((l) => l.split('\r\n')))
      expect(line.length).toBeLessThanOrEqual(78);

    const row = await draftRow(db, staged.id);
    expect(sent!.messageIdHeader).toBe(row.message_id_header);
    expect(row.status).toBe('sent');
    expect(row.gmail_message_id).toBe(sent!.id);
    expect(row.sealed_content.toString('latin1')).not.toContain('Quarterly');
    const status = await draftStatus(stack, staged.id);
    expect(status).toMatchObject({ status: 200, json: { status: 'sent', gmail_message_id: sent!.id } });

    expect(await auditResults(db, staged.id)).toEqual(
      expect.arrayContaining(['staged', 'sending', 'success']),
    );
    const audit = await db.query('SELECT * FROM audit_events WHERE draft_id = $1', [staged.id]);
    for (const a of audit.rows) {
      expect(a.sealed_details.toString('latin1')).not.toMatch(/zoe|Hallo|Résumé/);
    }
    const event = await stack.server.waitForLog(
      (l) => l.msg === 'gmail_oauth_send_audit' && l.draft_id === staged.id && l.result === 'success',
    );
    expect(event).toMatchObject({
      user: userId,
      team: stack.slack.teamId,
      recipient_count: 4,
      gmail_message_id: sent!.id,
    });
    // Debug lines are left out: Bolt's WebClient logs whole request bodies at debug level.
    expect(JSON.stringify(stack.server.logs.filter((l) => l.level >= 30))).not.toContain('Hallo Zoë');
  });

  it('when the request has an unknown field, a bad bearer or a bad shape, then it is refused naming the problem', async () => {
    const { stack } = ctx;
    const { userId } = await connectedUser();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const base = { trigger_message_ts: ts, to: ['bob@example.com'], subject: 'Hi', body: 'x' };
    for (const field of ['from', 'on_behalf_of', 'headers', 'as_user']) {
      const res = await callTool(stack, { ...base, [field]: 'evil@example.com' });
      expect(res).toMatchObject({ status: 400, json: { error: 'unknown_field', field } });
      expect(res.json.message).toContain(field);
    }
    expect(await callTool(stack, { ...base, subject: undefined })).toMatchObject({
      status: 400,
      json: { field: 'subject' },
    });
    expect(await callTool(stack, base, { key: null })).toMatchObject({
      status: 401,
      json: { error: 'unauthorized' },
    });
    expect(await callTool(stack, base, { key: 'x'.repeat(48) })).toMatchObject({ status: 401 });
    expect((await callTool(stack, base, { key: secondKey })).status).toBe(202);
    expect(
      await callTool(stack, undefined, { method: 'GET', path: `/api/tools/send-email/${UNKNOWN_ID}` }),
    ).toMatchObject({ status: 404 });
    expect(
      await callTool(stack, undefined, { method: 'GET', path: '/api/tools/send-email/x', key: null }),
    ).toMatchObject({ status: 401 });
  });

  it('when a header value carries CR, LF or NUL, or there are too many recipients, then nothing is staged', async () => {
    const { stack, db } = ctx;
    const { userId } = await connectedUser();
    const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
    const base = { trigger_message_ts: ts, to: ['bob@example.com'], subject: 'Hi', body: 'x' };
    const attempts: Array<[Record<string, unknown>, string]> = [
      [{ subject: 'Hi\r\nBcc: evil@example.com' }, 'subject'],
      [{ subject: 'Hi\nthere' }, 'subject'],
      [{ to: ['bob@example.com\r\nBcc: evil@example.com'] }, 'to[0]'],
      [{ cc: ['"Bob\nBcc: evil@example.com" <bob@example.com>'] }, 'cc[0]'],
      [{ bcc: 'evil@example.com\0' }, 'bcc[0]'],
      [{ to: ['not-an-address'] }, 'to[0]'],
      [{ to: [`${'a'.repeat(65)}@example.com`] }, 'to[0]'],
      [{ subject: 'x'.repeat(999) }, 'subject'],
      [{ body: 'x'.repeat(101 * 1024) }, 'body'],
    ];
    for (const [over, field] of attempts) {
      const res = await callTool(stack, { ...base, ...over });
      expect({ over, status: res.status, field: res.json.field }).toEqual({ over, status: 400, field });
    }
    const many = Array.from({ length: 51 }, (_, i) => `p${i}@example.com`);
    const tooMany = await callTool(stack, {
      ...base,
      to: many.slice(0, 20),
      cc: many.slice(20, 40),
      bcc: many.slice(40),
    });
    expect(tooMany).toMatchObject({ status: 400, json: { error: 'too_many_recipients' } });
    const { rows } = await db.query('SELECT count(*)::int AS n FROM email_drafts WHERE user_id = $1', [
      userId,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('when the trigger is unknown, ambiguous, written by a bot or too old, then the assistant gets a clear error', async () => {
    const { stack } = ctx;
    const { userId } = await connectedUser();
    const body = { to: ['bob@example.com'], subject: 'Hi', body: 'x' };
    expect(await callTool(stack, { ...body, trigger_message_ts: freshTs() })).toMatchObject({
      status: 404,
      json: { error: 'unknown_trigger' },
    });
    const botTs = await postTrigger(stack, { botId: 'B0OTHERBOT', channelId: CHANNEL });
    expect(await callTool(stack, { ...body, trigger_message_ts: botTs })).toMatchObject({
      status: 403,
      json: { error: 'trigger_not_human' },
    });
    const oldTs = await postTrigger(stack, { userId, channelId: CHANNEL, ts: freshTs(25 * 3600) });
    expect(await callTool(stack, { ...body, trigger_message_ts: oldTs })).toMatchObject({
      status: 410,
      json: { error: 'trigger_too_old' },
    });
    const shared = freshTs();
    await postTrigger(stack, { userId, channelId: CHANNEL, ts: shared });
    await postTrigger(stack, { userId, channelId: 'C0OTHERCHAN', ts: shared });
    expect(await callTool(stack, { ...body, trigger_message_ts: shared })).toMatchObject({
      status: 409,
      json: { error: 'ambiguous_trigger' },
    });
    expect(
      (await callTool(stack, { ...body, trigger_message_ts: shared, channel_id: 'C0OTHERCHAN' })).status,
    ).toBe(202);
  });

  it("when the trigger was written by someone who is not connected, then nobody else's Gmail is used and they are prompted to connect", async () => {
    const { stack, db } = ctx;
    const connected = await connectedUser();
    const stranger = `U${String(++seq).padStart(4, '0')}NOCONN`;
    const threadTs = freshTs();
    const ts = await postTrigger(stack, { userId: stranger, channelId: CHANNEL, threadTs });
    const since = stack.slack.messages.length;
    const res = await callTool(stack, {
      trigger_message_ts: ts,
      to: ['bob@example.com'],
      subject: `sent as ${connected.email}?`,
      body: 'x',
    });
    expect(res).toMatchObject({ status: 409, json: { error: 'not_connected' } });
    const prompt = await stack.slack.waitForMessage(
      (m) => stack.slack.messages.indexOf(m) >= since && m.kind === 'postEphemeral' && m.user === stranger,
    );
    expect(prompt).toMatchObject({ channel: CHANNEL, threadTs });
    expect(prompt.text).toMatch(/\/oauth\/google\/start\?pairing=/);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM email_drafts WHERE user_id = $1', [
      connected.userId,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('when someone other than the owner clicks, then it is denied, audited and the owner can still send', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const intruder = 'U9INTRUDER';
    const staged = await stage(userId);
    const since = stack.slack.messages.length;
    await click(intruder, staged.buttons.send);
    const notice = await waitForResponse(stack, intruder, since, () => true);
    expect(notice.text).toContain(`Only <@${userId}>`);
    expect(notice.replaceOriginal).toBe(false);
    expect((await draftRow(db, staged.id)).status).toBe('pending');
    await eventually(async () => (await auditResults(db, staged.id)).includes('denied'));
    expect(stack.google.sent(email)).toHaveLength(0);

    await click(userId, staged.buttons.send);
    await eventually(() => stack.google.sent(email).length === 1);
  });

  it('when the draft has expired, then a click says so and nothing is sent', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    await db.query("UPDATE email_drafts SET expires_at = now() - interval '1 second' WHERE id = $1", [
      staged.id,
    ]);
    const since = stack.slack.messages.length;
    await click(userId, staged.buttons.send);
    const outcome = await waitForResponse(stack, userId, since, (m) => /Expired/.test(m.text ?? ''));
    expect(outcome.replaceOriginal).toBe(true);
    expect((await draftRow(db, staged.id)).status).toBe('expired');
    expect((await draftStatus(stack, staged.id)).json.status).toBe('expired');
    expect(stack.google.sent(email)).toHaveLength(0);
  });

  it('when the owner cancels, then the preview says so and a later Send does nothing', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    const since = stack.slack.messages.length;
    await click(userId, staged.buttons.cancel, CANCEL_ACTION);
    await waitForResponse(
      stack,
      userId,
      since,
      (m) => /Cancelled/.test(m.text ?? '') && m.replaceOriginal === true,
    );
    await click(userId, staged.buttons.send);
    await waitForResponse(stack, userId, since, (m) => /cancelled; nothing was sent/.test(m.text ?? ''));
    expect((await draftRow(db, staged.id)).status).toBe('cancelled');
    expect(await auditResults(db, staged.id)).toEqual(expect.arrayContaining(['cancelled']));
    expect(stack.google.sent(email)).toHaveLength(0);
  });

  it('when Send is clicked twice at once and redelivered, then Gmail sends exactly once', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    const since = stack.slack.messages.length;
    await Promise.all([click(userId, staged.buttons.send), click(userId, staged.buttons.send)]);
    await stack.slack.redeliverLast('interactive');
    await eventually(async () => (await draftRow(db, staged.id)).status === 'sent');
    await eventually(() => responsesTo(stack, userId, since).length >= 4);
    expect(stack.google.sent(email)).toHaveLength(1);
    expect(responsesTo(stack, userId, since).filter((m) => /already/.test(m.text ?? ''))).toHaveLength(2);
  });

  it('when Send races Cancel, then exactly one wins and Gmail sends at most once', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    await Promise.all([
      click(userId, staged.buttons.send),
      click(userId, staged.buttons.cancel, CANCEL_ACTION),
      click(userId, staged.buttons.send),
    ]);
    const final = await eventually(async () => {
      const status = (await draftRow(db, staged.id)).status as string;
      return ['sent', 'cancelled'].includes(status) && status;
    });
    expect(stack.google.sent(email)).toHaveLength(final === 'sent' ? 1 : 0);
    // The winner's audit row follows its status change; wait for it, then only one decision exists.
    const winner = final === 'sent' ? 'sending' : 'cancelled';
    const results = await eventually(async () => {
      const rows = await auditResults(db, staged.id);
      return rows.includes(winner) && rows;
    });
    expect(results.filter((r) => r === 'sending' || r === 'cancelled')).toHaveLength(1);
  });

  it('when Gmail answers 429 first, then the send is retried after Retry-After and happens once', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    const before = sendRequestCount(stack);
    stack.google.fail('gmail.send', { status: 429, retryAfter: 1 });
    await click(userId, staged.buttons.send);
    await eventually(async () => (await draftRow(db, staged.id)).status === 'sent');
    expect(sendRequestCount(stack) - before).toBe(2);
    expect(stack.google.sent(email)).toHaveLength(1);
  });

  it('when Gmail answers 500 after sending and no read scope exists, then it is not resent and the user is told to check Sent', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    const since = stack.slack.messages.length;
    const before = sendRequestCount(stack);
    stack.google.fail('gmail.send', { status: 500, afterEffect: true });
    await click(userId, staged.buttons.send);
    const told = await waitForResponse(stack, userId, since, (m) => /Outcome unknown/.test(m.text ?? ''));
    expect(told.text).toContain('Sent folder');
    expect((await draftRow(db, staged.id)).status).toBe('outcome_unknown');
    expect((await draftStatus(stack, staged.id)).json).toMatchObject({ status: 'outcome_unknown' });
    expect(sendRequestCount(stack) - before).toBe(1);
    expect(stack.google.sent(email)).toHaveLength(1);
    expect(await auditResults(db, staged.id)).toContain('outcome_unknown');
  });

  it('when Gmail answers 500 after sending and a read scope exists, then Sent is searched and the send confirmed', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser([SEND_SCOPE, READONLY_SCOPE]);
    const staged = await stage(userId);
    const since = stack.slack.messages.length;
    const before = sendRequestCount(stack);
    stack.google.fail('gmail.send', { status: 500, afterEffect: true });
    await click(userId, staged.buttons.send);
    await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
    const row = await draftRow(db, staged.id);
    expect(row.status).toBe('sent');
    expect(row.gmail_message_id).toBe(stack.google.sent(email)[0]!.id);
    expect(sendRequestCount(stack) - before).toBe(1);
  });

  it('when Google no longer accepts the grant, then the connection turns invalid and the draft fails with a reason', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    const since = stack.slack.messages.length;
    stack.google.revokeAllGrants(email);
    await click(userId, staged.buttons.send);
    const told = await waitForResponse(stack, userId, since, (m) => /Failed/.test(m.text ?? ''));
    expect(told.text).toContain('/ai-email-connect');
    expect((await draftRow(db, staged.id)).status).toBe('failed');
    const { rows } = await db.query('SELECT status FROM gmail_connections WHERE user_id = $1', [userId]);
    expect(rows[0].status).toBe('invalid');
    expect(stack.google.sent(email)).toHaveLength(0);
  });

  it('when the ephemeral cannot be delivered, then the preview arrives by DM and is updated in place', async () => {
    const { stack } = ctx;
    const { userId, email } = await connectedUser();
    stack.slack.fail('chat.postEphemeral', { error: 'channel_not_found' });
    const staged = await stage(userId);
    const dm = dmChannelOf(stack, userId);
    expect(staged.message).toMatchObject({ kind: 'postMessage', channel: dm });
    expect(staged.answer.json.confirmation).toBe('direct_message');
    await stack.slack.blockAction({
      userId,
      actionId: SEND_ACTION,
      value: staged.buttons.send,
      channelId: dm,
      messageTs: staged.message.ts,
    });
    await stack.slack.waitForMessage(
      (m) =>
        m.kind === 'update' && m.channel === dm && m.ts === staged.message.ts && /Sent to/.test(m.text ?? ''),
    );
    expect(stack.google.sent(email)).toHaveLength(1);
  });

  it('when a DM preview expires unanswered, then the maintenance sweep marks it expired and updates it', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    stack.slack.fail('chat.postEphemeral', { error: 'channel_not_found' });
    const staged = await stage(userId);
    await db.query("UPDATE email_drafts SET expires_at = now() - interval '1 second' WHERE id = $1", [
      staged.id,
    ]);
    await stack.slack.waitForMessage(
      (m) => m.kind === 'update' && m.ts === staged.message.ts && /Expired/.test(m.text ?? ''),
    );
    expect((await draftRow(db, staged.id)).status).toBe('expired');
    expect(await auditResults(db, staged.id)).toContain('expired');
    expect(stack.google.sent(email)).toHaveLength(0);
  });

  it('when the user disconnects, then their pending confirmations are cancelled', async () => {
    const { stack, db } = ctx;
    const { userId, email } = await connectedUser();
    const staged = await stage(userId);
    await stack.slack.slashCommand({ command: '/ai-email-disconnect', userId, channelId: CHANNEL });
    await eventually(async () => (await draftRow(db, staged.id)).status === 'cancelled');
    expect(await auditResults(db, staged.id)).toContain('cancelled');
    const since = stack.slack.messages.length;
    await click(userId, staged.buttons.send);
    await waitForResponse(stack, userId, since, (m) => /cancelled/.test(m.text ?? ''));
    expect(stack.google.sent(email)).toHaveLength(0);
  });
});
