import { composeMessage } from '../../src/modules/send/domain/mime';
import { createReplyLookup, safeLine, replyOf, replySubject } from '../../src/modules/send/domain/reply-to';
import { sendErrors } from '../../src/modules/send/domain/errors';
import type { AnsweredMessage, GmailAnswer, SenderConnection } from '../../src/modules/send/domain/ports';
import type { DraftContent, ReplyTo } from '../../src/modules/send/domain/types';
import { parseMessage } from '@mailbridge/google-emulator';

const METADATA = 'https://www.googleapis.com/auth/gmail.metadata';

const reply = (over: Partial<ReplyTo> = {}): ReplyTo => ({
  threadId: '18c0ffee00000001',
  messageId: '<orig@example.org>',
  references: ['<root@example.org>', '<orig@example.org>'],
  from: 'Ana <ana@example.org>',
  subject: 'Budget',
  ...over,
});

const content = (over: Partial<DraftContent> = {}): DraftContent => ({
  from: 'me@example.com',
  to: [{ address: 'ana@example.org' }],
  cc: [],
  bcc: [],
  subject: '',
  body: 'Fine.',
  reply: reply(),
  ...over,
});

const parsed = (c: DraftContent) =>
  parseMessage(
    Buffer.from(
      composeMessage(c, { messageId: '<mb.1@example.com>', date: new Date('2026-12-01T10:00:00Z') }),
    ),
  );

describe('a reply as MIME', () => {
  it('when the draft answers an email, then In-Reply-To and References name it', () => {
    const m = parsed(content());
    expect(m.headers['in-reply-to']).toBe('<orig@example.org>');
    expect(m.headers.references).toBe('<root@example.org> <orig@example.org>');
  });

  it('when the draft answers nothing, then neither header is written', () => {
    const m = parsed(content({ reply: undefined, subject: 'Hi' }));
    expect(m.headers['in-reply-to']).toBeUndefined();
    expect(m.headers.references).toBeUndefined();
  });

  it('when a stored id could break the header block, then it is left out', () => {
    const m = parsed(
      content({
        reply: reply({
          messageId: '<a@b>\r\nBcc: x@evil.test',
          references: ['<ok@x>', '<b@c>\nBcc: y@evil.test'],
        }),
      }),
    );
    expect(m.headers.bcc).toBeUndefined();
    expect(m.headers['in-reply-to']).toBeUndefined();
    expect(m.headers.references).toBe('<ok@x>');
  });

  it('when the conversation is long, then References folds within 78 characters a line', () => {
    const references = Array.from({ length: 20 }, (_, i) => `<message-${i}-${'x'.repeat(30)}@example.org>`);
    const m = parsed(content({ reply: reply({ references }) }));
    expect(m.headers.references).toBe(references.join(' '));
    for (const line of m.headerLines.flatMap((l) => l.split('\r\n')))
      expect(line.length).toBeLessThanOrEqual(78);
  });
});

describe('the subject of a reply', () => {
  it.each([
    ['', 'Budget', 'Re: Budget'],
    ['', 'Re: Budget', 'Re: Budget'],
    ['', 'RE:Budget', 'RE:Budget'],
    ['', '', 'Re:'],
    ['New plan', 'Budget', 'New plan'],
  ])('when the staged subject is %j and the answered one %j, then it is %j', (subject, original, sent) => {
    expect(replySubject(subject, reply({ subject: original }))).toBe(sent);
    expect(parsed(content({ subject, reply: reply({ subject: original }) })).headers.subject).toBe(sent);
  });

  it('when nothing is answered, then the staged subject is kept, even empty', () => {
    expect(replySubject('', undefined)).toBe('');
  });
});

describe('what a reply keeps of the answered email', () => {
  it('when its headers carry line breaks, overrides or junk, then only safe one-line text and msg-ids remain', () => {
    const r = replyOf({
      threadId: 't1',
      messageId: 'junk <orig@example.org> more',
      references: '<a@x>  <a@x>\r\n <b@x> not-an-id <c d@x>',
      subject: 'Hi\r\nBcc: x@evil.test \u202Egnp.exe',
      from: 'Eve\u0000 <eve@example.org>',
    });
    expect(r).toEqual({
      threadId: 't1',
      messageId: '<orig@example.org>',
      references: ['<a@x>', '<b@x>', '<orig@example.org>'],
      subject: 'Hi Bcc: x@evil.test gnp.exe',
      from: 'Eve <eve@example.org>',
    });
  });

  it('when it has no Message-ID, then the reply has no In-Reply-To but keeps its References', () => {
    expect(replyOf({ threadId: 't1', references: '<a@x>' })).toEqual({
      threadId: 't1',
      references: ['<a@x>'],
      from: '',
      subject: '',
    });
  });

  it('when a header is longer than a subject may be, then it is cut on a character boundary', () => {
    expect([...safeLine('🎉'.repeat(2000))]).toHaveLength(990);
  });
});

describe('reading the answered email', () => {
  const connection = (scopes: string[]): SenderConnection => ({
    id: 'c1',
    teamId: 'T1',
    userId: 'U1',
    email: 'me@example.com',
    scopes,
    status: 'active',
  });
  const lookup = (answer: GmailAnswer<AnsweredMessage | undefined>) => {
    const reads: string[] = [];
    const replyTo = createReplyLookup({
      accessTokens: {
        forConnection: async (id) => ({ accessToken: `token-${id}`, connection: connection([METADATA]) }),
        forget: () => undefined,
      },
      gmail: {
        readAnswered: async (token, id) => {
          reads.push(`${token}:${id}`);
          return answer;
        },
      },
      readScopes: [METADATA],
    });
    return { replyTo, reads };
  };
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'staged',
      (e: unknown) => (sendErrors.is(e) ? e.code : String(e)),
    );

  it('when the grant cannot read headers, then nothing is read and scope_missing says how to grant it', async () => {
    const { replyTo, reads } = lookup({ ok: true, value: { threadId: 't1' } });
    const err = await replyTo(connection(['https://www.googleapis.com/auth/gmail.send']), 'abcdef12').catch(
      (e: unknown) => e,
    );
    expect(sendErrors.is(err) && err.code).toBe('scope_missing');
    expect((err as Error).message).toContain('/ai-email-notifications on');
    expect(reads).toEqual([]);
  });

  it('when Gmail has it, then it is read with the connection’s token', async () => {
    const { replyTo, reads } = lookup({ ok: true, value: { threadId: 't1', messageId: '<m@x>' } });
    await expect(replyTo(connection([METADATA]), 'abcdef12')).resolves.toMatchObject({
      threadId: 't1',
      messageId: '<m@x>',
    });
    expect(reads).toEqual(['token-c1:abcdef12']);
  });

  it('when Gmail has no such email or fails, then it is reply_not_found or reply_unreadable', async () => {
    expect(
      await codeOf(lookup({ ok: true, value: undefined }).replyTo(connection([METADATA]), 'ab12cd34')),
    ).toBe('reply_not_found');
    const failed = lookup({ ok: false, failure: { kind: 'server', status: 503, message: 'x' } });
    expect(await codeOf(failed.replyTo(connection([METADATA]), 'ab12cd34'))).toBe('reply_unreadable');
  });
});
