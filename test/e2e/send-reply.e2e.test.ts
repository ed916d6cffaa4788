import { METADATA_SCOPE, SEND_SCOPE, seedConnection } from '../helpers/connect';
import {
  callTool,
  clickButton,
  draftRow,
  postTrigger,
  sendRequestCount,
  stageDraft,
  useSendStack,
  waitForResponse,
} from '../helpers/send-flow';

const CHANNEL = 'C0REPLYTEST';

/** The refusal of a reply whose headers Mailbridge may not read: the same whoever noticed the missing scope. */
const SCOPE_MISSING = {
  status: 409,
  json: {
    error: 'scope_missing',
    message:
      "Replying in an email's thread needs permission to read email headers, which the person has not granted; they can grant it in Slack with /ai-email-notifications on. Nothing was staged.",
  },
};

describe('replies in thread', () => {
  let seq = 0;
  const ctx = useSendStack();

  /** A Slack user with a Gmail connection of their own, and an email in their inbox. */
  async function personWithMail(scopes = [SEND_SCOPE, METADATA_SCOPE]) {
    const { stack } = ctx;
    const userId = `U${String(++seq).padStart(4, '0')}REPLY`;
    const email = `replier${seq}@example.com`;
    stack.slack.addUser({ id: userId, name: `replier${seq}` });
    await seedConnection(stack, { userId, email, scopes });
    const received = stack.google.deliver(email, {
      from: 'Ana Lima <ana@example.org>',
      subject: 'Budget *2027*',
      headers: { 'Message-ID': '<budget-2@example.org>', References: '<budget-1@example.org>' },
    });
    return { userId, email, received };
  }

  /** What the assistant asks unless a test says otherwise: an answer with no subject of its own. */
  const REPLY = { to: ['ana@example.org'], subject: '', body: 'Sounds good.' };

  const request = async (userId: string, over: Record<string, unknown>) => {
    const ts = await postTrigger(ctx.stack, { userId, channelId: CHANNEL });
    return callTool(ctx.stack, { trigger_message_ts: ts, ...REPLY, ...over });
  };

  /** Stages a reply to the person's received email and clicks Send (after `beforeClick`); the preview and the one email sent. */
  async function sendReply(
    person: Awaited<ReturnType<typeof personWithMail>>,
    over: Record<string, unknown> = {},
    beforeClick = () => {},
  ) {
    const { stack, db } = ctx;
    const { userId, email, received } = person;
    const staged = await stageDraft(
      stack,
      { userId, channelId: CHANNEL },
      { ...REPLY, in_reply_to: received.id, ...over },
    );
    const since = stack.slack.messages.length;
    beforeClick();
    await clickButton(stack, { userId, value: staged.buttons.send, channelId: CHANNEL });
    await waitForResponse(stack, userId, since, (m) => /Sent to/.test(m.text ?? ''));
    const [sent, ...others] = stack.google.sent(email);
    expect(others).toHaveLength(0);
    expect((await draftRow(db, staged.id)).gmail_message_id).toBe(sent!.id);
    return { staged, sent: sent! };
  }

  it('when a reply is staged with in_reply_to and sent, then the preview names the answered email and Gmail threads it', async () => {
    const person = await personWithMail();
    const { staged, sent } = await sendReply(person);

    const preview = JSON.stringify(staged.message.blocks);
    expect(preview).toContain('*In reply to:* Ana Lima &lt;ana@example.org&gt;');
    // The subject sent, whole and as plain text after its label: exactly what the email carries.
    expect(preview).toContain(
      '{"type":"section","text":{"type":"mrkdwn","text":"*Subject:*"}},{"type":"section","text":{"type":"plain_text","text":"Re: Budget *2027*","emoji":false}}',
    );
    expect(staged.message.text).toContain('Confirm reply to ana@example.org');
    expect(preview).not.toContain('new conversation');
    expect(sent.threadId).toBe(person.received.threadId);
    expect(sent.headers['in-reply-to']).toBe('<budget-2@example.org>');
    expect(sent.headers.references).toBe('<budget-1@example.org> <budget-2@example.org>');
    expect(sent.headers.subject).toBe('Re: Budget *2027*');
  });

  it('when Gmail answers 500 after sending a reply, then it is found in Sent and reported sent, once', async () => {
    const { stack } = ctx;
    const person = await personWithMail();
    const before = sendRequestCount(stack);
    const { sent } = await sendReply(person, {}, () =>
      stack.google.fail('gmail.send', { status: 500, afterEffect: true }),
    );
    expect(sent.threadId).toBe(person.received.threadId);
    expect(sendRequestCount(stack) - before).toBe(1);
  });

  it('when the reply has a subject of its own, then it is kept and the reply still carries the threading headers', async () => {
    const person = await personWithMail();
    const { staged, sent } = await sendReply(person, { subject: 'Re: Budget *2027*', body: 'Yes.' });
    expect(JSON.stringify(staged.message.blocks)).not.toContain('new conversation');
    expect(sent.headers.subject).toBe('Re: Budget *2027*');
    expect(sent.headers['in-reply-to']).toBe('<budget-2@example.org>');
    expect(sent.threadId).toBe(person.received.threadId);
  });

  it('when the reply has another subject, then the preview says Gmail will start a new conversation, as it does', async () => {
    const person = await personWithMail();
    const { staged, sent } = await sendReply(person, { subject: 'Lunch on Friday?' });
    expect(JSON.stringify(staged.message.blocks)).toContain(
      '_Its subject differs from the email it answers, so Gmail will show it in a new conversation._',
    );
    expect(sent.headers['in-reply-to']).toBe('<budget-2@example.org>');
    expect(sent.threadId).not.toBe(person.received.threadId);
  });

  it('when the person has not granted the notification scope, then the reply is refused with how to grant it', async () => {
    const { stack } = ctx;
    const { userId, received } = await personWithMail([SEND_SCOPE]);
    const gets = stack.google.requests.filter((r) => r.endpoint === 'gmail.get').length;
    const answer = await request(userId, { in_reply_to: received.id });
    expect(answer).toEqual(SCOPE_MISSING);
    expect(stack.google.requests.filter((r) => r.endpoint === 'gmail.get')).toHaveLength(gets);
  });

  it('when in_reply_to names no email in the mailbox, then nothing is staged', async () => {
    const { userId } = await personWithMail();
    const answer = await request(userId, { in_reply_to: 'ffffffffffffffff' });
    expect(answer).toEqual({
      status: 404,
      json: {
        error: 'reply_not_found',
        field: 'in_reply_to',
        message:
          "in_reply_to: the person's Gmail has no email with this id; use the gmail_message_id of a new-mail event or notification. Nothing was staged.",
      },
    });
  });

  it('when Google refuses the token the scope to read headers, then the reply is refused as scope_missing, not retried', async () => {
    const { stack } = ctx;
    const { userId, received } = await personWithMail();
    const message = 'Request had insufficient authentication scopes.';
    stack.google.fail('gmail.get', {
      status: 403,
      body: {
        error: {
          code: 403,
          message,
          errors: [
            { message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' },
          ],
          status: 'PERMISSION_DENIED',
        },
      },
    });
    const answer = await request(userId, { in_reply_to: received.id });
    expect(answer).toEqual(SCOPE_MISSING);
  });

  it('when Gmail fails to answer, then nothing is staged and the assistant may retry', async () => {
    const { stack } = ctx;
    const { userId, received } = await personWithMail();
    stack.google.fail('gmail.get', { status: 503 });
    const answer = await request(userId, { in_reply_to: received.id });
    expect(answer.status).toBe(502);
    expect(answer.json).toMatchObject({ error: 'reply_unreadable' });
  });

  it.each([
    ['uppercase', 'FFFFFFFFFFFFFFFF'],
    ['a path', '../../profile'],
    ['a query', '1234abcd?format=raw'],
    ['a line break', '1234abcd\r\nBcc: x@evil.test'],
    ['too long', 'a'.repeat(41)],
    ['a number', 1234567890],
    ['empty', ''],
  ])('when in_reply_to is %s, then it is refused before Gmail is asked', async (_what, id) => {
    const { stack } = ctx;
    const { userId } = await personWithMail();
    const gmailCalls = stack.google.requests.length;
    const sends = sendRequestCount(stack);
    const answer = await request(userId, { in_reply_to: id });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'invalid_request', field: 'in_reply_to' });
    expect(stack.google.requests.length).toBe(gmailCalls);
    expect(sendRequestCount(stack)).toBe(sends);
  });
});
