import { SEND_SCOPE, seedConnection } from '../helpers/connect';
import type { Stack } from '../helpers/stack';
import {
  DEFAULT_DRAFT,
  callTool,
  clickButton,
  freshTs,
  stageDraft,
  useSendStack,
  waitForPreview,
  waitForResponse,
} from '../helpers/send-flow';

const CHANNEL = 'C0SHARED';
const OTHER_TEAM = 'T0PARTNER';

let seq = 0;
async function connectedUser(stack: Stack) {
  const userId = `U${String(++seq).padStart(4, '0')}HOSTILE`;
  const email = `hostile${seq}@example.com`;
  await seedConnection(stack, { userId, email, scopes: [SEND_SCOPE] });
  return { userId, email };
}

/** A message in a Slack Connect channel, written by someone whose own workspace is `authorTeam`. */
async function sharedChannelTrigger(stack: Stack, userId: string, authorTeam: string): Promise<string> {
  const ts = freshTs();
  await stack.slack.event({
    type: 'message',
    channel: CHANNEL,
    text: 'please email them',
    ts,
    user: userId,
    team: authorTeam,
    user_team: authorTeam,
    source_team: authorTeam,
  });
  return ts;
}

describe('confirm-to-send with hostile or foreign input', () => {
  const ctx = useSendStack({ SEND_SWEEP_INTERVAL_MS: '300' });

  it('when the subject holds a ZWJ emoji, Persian with ZWNJ and a tab, then Gmail receives it intact, RFC 2047 encoded', async () => {
    const { stack } = ctx;
    const { userId, email } = await connectedUser(stack);
    const subject = 'خانواده 👩\u200D👩\u200D👧 — گزارش\u200Cها\tQ4';
    const staged = await stageDraft(
      stack,
      { userId, channelId: CHANNEL },
      { subject, to: ['"علی\u200Cرضا" <ali@example.com>'] },
    );
    const since = stack.slack.messages.length;
    await clickButton(stack, { userId, value: staged.buttons.send, channelId: CHANNEL });
    await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
    const [sent, ...others] = stack.google.sent(email);
    expect(others).toHaveLength(0);
    expect(sent!.headersAscii).toBe(true);
    expect(sent!.raw).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(sent!.headers.subject).toBe(subject);
    expect(sent!.headers.to).toBe('علی\u200Cرضا <ali@example.com>');
  });

  it.each([
    [
      'subject',
      'a right-to-left override',
      { subject: 'Invoice \u202Efdp.exe' },
      'invalid_subject',
      /bidirectional/,
    ],
    [
      'to[0]',
      'an isolate in the name',
      { to: ['"Bob \u2066x\u2069" <bob@example.com>'] },
      'invalid_address',
      /bidirectional/,
    ],
    ['subject', 'a lone surrogate', { subject: 'Hi \uD83D' }, 'invalid_subject', /surrogate/],
    ['body', 'a lone surrogate', { body: 'Hello \uDE00 there' }, 'invalid_body', /surrogate/],
    [
      'body',
      'an instruction in tag characters',
      { body: `Hi Bob\n${String.fromCodePoint(0xe0049, 0xe0067, 0xe006e)}` },
      'invalid_body',
      /U\+E0049, an invisible formatting character .*index 7 /,
    ],
    ['body', 'a zero-width space', { body: 'Pay\u200Bnow' }, 'invalid_body', /U\+200B, .*index 3 /],
    [
      'body',
      'a right-to-left override',
      { body: 'Hi \u202Efdp.exe' },
      'invalid_body',
      /U\+202E, a bidirectional/,
    ],
    [
      'body',
      'a bare carriage return',
      { body: 'line 1\rline 2' },
      'invalid_body',
      /U\+000D, a carriage return/,
    ],
    ['body', 'an escape character', { body: 'Hi \u001B[2J' }, 'invalid_body', /U\+001B, a control/],
    ['subject', 'a byte order mark', { subject: 'Hi\uFEFF' }, 'invalid_subject', /U\+FEFF, .*index 2 /],
    [
      'to[0]',
      '321 characters',
      { to: [`"${'n'.repeat(301)}" <bob@example.com>`] },
      'invalid_request',
      /320 characters/,
    ],
    [
      'cc[1]',
      '60,000 characters',
      { cc: ['a@example.com', 'a@'.repeat(30_000)] },
      'invalid_request',
      /320 characters/,
    ],
  ])('when %s holds %s, then a 400 names the field', async (field, _, over, code, message) => {
    const { stack } = ctx;
    const { userId } = await connectedUser(stack);
    const ts = await sharedChannelTrigger(stack, userId, stack.slack.teamId);
    const answer = await callTool(stack, { trigger_message_ts: ts, ...DEFAULT_DRAFT, ...over });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: code, field });
    expect(answer.json.message).toMatch(message);
  });

  it('when someone from another workspace (Slack Connect) asks, then nothing is staged and the assistant is told why', async () => {
    const { stack, db } = ctx;
    const { userId } = await connectedUser(stack);
    const before = await db.query('SELECT count(*)::int AS n FROM email_drafts');
    const since = stack.slack.messages.length;
    const ts = await sharedChannelTrigger(stack, userId, OTHER_TEAM);
    const answer = await callTool(stack, { trigger_message_ts: ts, ...DEFAULT_DRAFT });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: 'external_trigger' });
    expect(answer.json.message).toMatch(/another Slack workspace/);
    const after = await db.query('SELECT count(*)::int AS n FROM email_drafts');
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const row = await db.query('SELECT team_id, author_team_id FROM trigger_messages WHERE ts = $1', [ts]);
    expect(row.rows).toEqual([{ team_id: stack.slack.teamId, author_team_id: OTHER_TEAM }]);
    expect(stack.slack.messages.slice(since).filter((m) => m.user === userId)).toHaveLength(0);
  });

  it('when the app_mention (no team named) comes first and the message naming another workspace second, then nothing is staged', async () => {
    const { stack, db } = ctx;
    const { userId } = await connectedUser(stack);
    const ts = freshTs();
    const mention = {
      channel: CHANNEL,
      text: `<@${stack.slack.botUserId}> please email them`,
      ts,
      user: userId,
    };
    await stack.slack.event({ type: 'app_mention', ...mention }, { isExtSharedChannel: false });
    await stack.slack.event({ type: 'message', ...mention, team: OTHER_TEAM, user_team: OTHER_TEAM });
    const answer = await callTool(stack, { trigger_message_ts: ts, ...DEFAULT_DRAFT });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: 'external_trigger' });
    const row = await db.query(
      'SELECT author_team_id, author_is_member FROM trigger_messages WHERE ts = $1',
      [ts],
    );
    expect(row.rows).toEqual([{ author_team_id: OTHER_TEAM, author_is_member: false }]);
    // A later event without the fields never turns the author back into a member.
    await stack.slack.event({ type: 'app_mention', ...mention }, { isExtSharedChannel: false });
    expect((await callTool(stack, { trigger_message_ts: ts, ...DEFAULT_DRAFT })).status).toBe(403);
  });

  it("when an externally shared channel's event names no team, then the author is unknown and nothing is staged", async () => {
    const { stack, db } = ctx;
    const { userId } = await connectedUser(stack);
    const ts = freshTs();
    await stack.slack.event(
      {
        type: 'app_mention',
        channel: CHANNEL,
        text: `<@${stack.slack.botUserId}> email them`,
        ts,
        user: userId,
      },
      { isExtSharedChannel: true },
    );
    const answer = await callTool(stack, { trigger_message_ts: ts, ...DEFAULT_DRAFT });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: 'external_trigger' });
    expect(answer.json.message).toMatch(/did not say which workspace/);
    const row = await db.query('SELECT author_is_member FROM trigger_messages WHERE ts = $1', [ts]);
    expect(row.rows).toEqual([{ author_is_member: null }]);
  });

  it('when the author is of the same Enterprise Grid organisation but another workspace, then the email is staged', async () => {
    const { stack } = ctx;
    const { userId } = await connectedUser(stack);
    const since = stack.slack.messages.length;
    const ts = freshTs();
    const sibling = 'T0SIBLING';
    await stack.slack.event(
      {
        type: 'message',
        channel: CHANNEL,
        text: 'email them',
        ts,
        user: userId,
        team: sibling,
        user_team: sibling,
      },
      { enterpriseId: 'E0ORG', isExtSharedChannel: false },
    );
    const answer = await callTool(stack, { trigger_message_ts: ts, ...DEFAULT_DRAFT });
    expect(answer.status).toBe(202);
    await waitForPreview(stack, userId, since);
  });

  it('when a member of this workspace writes in the same shared channel, then the email is staged', async () => {
    const { stack } = ctx;
    const { userId } = await connectedUser(stack);
    const since = stack.slack.messages.length;
    const ts = await sharedChannelTrigger(stack, userId, stack.slack.teamId);
    const answer = await callTool(stack, { trigger_message_ts: ts, ...DEFAULT_DRAFT });
    expect(answer.status).toBe(202);
    await waitForPreview(stack, userId, since);
  });
});

describe('confirm-to-send when the operator allows Slack Connect authors', () => {
  const ctx = useSendStack({ ALLOW_SLACK_CONNECT_TRIGGERS: 'true' });

  it('when someone from another workspace asks, then the confirmation is shown to them', async () => {
    const { stack } = ctx;
    const { userId } = await connectedUser(stack);
    const since = stack.slack.messages.length;
    const ts = await sharedChannelTrigger(stack, userId, OTHER_TEAM);
    const answer = await callTool(stack, { trigger_message_ts: ts, ...DEFAULT_DRAFT });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ status: 'pending_confirmation' });
    await waitForPreview(stack, userId, since);
  });
});
