import { parseMailbox } from '../../src/domain/send/addresses';
import { unsafeTextProblem } from '../../src/domain/send/unsafe-text';
import { MAX_BODY_BYTES, validateDraft } from '../../src/domain/send/validate-draft';
import { senderAddress } from '../../src/domain/notify/mail-filter';
import { createPushAuthenticator, decodeJwt } from '../../src/domain/notify/push-auth';
import { parseHistoryId } from '../../src/domain/notify/history-id';
import { normalizeCode } from '../../src/domain/connect/pairing';
import { bearerToken, sendEmailBody } from '../../src/routes/tool-api';
import { isAppError } from '../../src/lib/errors';

/**
 * Every parser that reads text from outside (the assistant's tool calls, incoming mail headers,
 * Pub/Sub pushes, pairing pages) gets 100,000-character inputs shaped to make a backtracking
 * pattern explode. The shapes below took seconds each on the patterns these parsers used to have
 * (e.g. `a` + 100,000 spaces + `a` in parseMailbox, `<` + `a@` × 50,000 and `a` × 100,000 in the
 * From-header parser); a linear parser answers them at once. Only answers are asserted here.
 */
const N = 100_000;
const fill = (unit: string, suffix = '', prefix = '') =>
  prefix + unit.repeat(Math.ceil((N - prefix.length - suffix.length) / unit.length)) + suffix;

const SHAPES: Record<string, string> = {
  'many <': fill('<'),
  'many < then >': fill('<', '>'),
  'many quotes': fill('"'),
  'many escaped quotes': fill('\\"', '" <a@example.com>', '"'),
  'many spaces between words': fill(' ', 'a', 'a'),
  'many spaces before <': fill(' ', '<', 'a'),
  'a@ repeated': fill('a@'),
  '<a@ repeated': fill('<a@'),
  '< then a@ repeated': fill('a@', '', '<'),
  'a repeated': fill('a'),
  'a repeated then @': fill('a', '@'),
  'dots and labels': fill('a.', '@example.com'),
  'many tabs': fill('\t', 'x', 'x'),
  'long name then address': fill('n', '" <a@example.com>', '"'),
  'ZWJ runs': fill('👩\u200D'),
};

const entries = Object.entries(SHAPES);

describe('hostile input of 100,000 characters', () => {
  it('the shapes really are that long', () => {
    for (const [, input] of entries) expect(input.length).toBeGreaterThanOrEqual(N);
  });

  it.each(entries)('when an address is %s, then it is refused as too long', (_, input) => {
    expect(parseMailbox(input)).toEqual({ problem: 'is longer than 320 characters' });
  });

  it.each(entries)('when a tool call carries %s as an address, then the schema refuses it', (_, input) => {
    const parsed = sendEmailBody.safeParse({
      trigger_message_ts: '1712345678.123456',
      to: ['ok@example.com', input],
      subject: 'Hi',
      body: 'x',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['to', 1]);
  });

  it.each(entries)('when the trigger ts or channel id is %s, then the schema refuses it', (_, input) => {
    const base = { to: 'ok@example.com', subject: 'Hi', body: 'x' };
    expect(sendEmailBody.safeParse({ ...base, trigger_message_ts: input }).success).toBe(false);
    const channel = { ...base, trigger_message_ts: '1712345678.123456', channel_id: input };
    expect(sendEmailBody.safeParse(channel).success).toBe(false);
  });

  it.each(entries)('when a subject is %s, then validation answers (length or characters)', (_, input) => {
    let code: string | undefined;
    try {
      validateDraft({ to: ['ok@example.com'], cc: [], bcc: [], subject: input, body: 'x' });
    } catch (err) {
      code = isAppError(err) ? err.code : 'unexpected';
    }
    expect(code).toBe('invalid_subject');
  });

  it.each(entries)('when a body is %s, then it is accepted as text unless too large', (_, input) => {
    const draft = { to: ['ok@example.com'], cc: [], bcc: [], subject: 'Hi', body: input };
    if (Buffer.byteLength(input, 'utf8') > MAX_BODY_BYTES) {
      expect(() => validateDraft(draft)).toThrow(/body is larger than/);
    } else {
      expect(validateDraft(draft).body).toBe(input);
    }
  });

  it('when the text checks read long inputs, then they find the one bad character at the end', () => {
    for (const [, input] of entries) {
      expect(unsafeTextProblem(`${input}\u202E`, { allowTab: true })).toMatch(/bidirectional/);
      expect(unsafeTextProblem(`${input.replace(/[\t"<>@ .\\]/g, 'x')}\uD800`, { allowTab: true })).toMatch(
        /surrogate/,
      );
    }
  });

  it.each(entries)('when a From header is %s, then no address is read out of it', (name, input) => {
    const expected: Record<string, string> = {
      'many escaped quotes': 'a@example.com',
      'long name then address': 'a@example.com',
    };
    expect(senderAddress(input)).toBe(expected[name] ?? '');
  });

  it('when a long From header ends with a real address, then that address is found', () => {
    expect(senderAddress(`${fill('a@', ' <Ada@Example.com>')}`)).toBe('ada@example.com');
    expect(senderAddress(`${fill('<', ' ada@example.com')}`)).toBe('ada@example.com');
    expect(senderAddress(`${fill(' ', '<x@y.z>', '"')}`)).toBe('x@y.z');
  });

  it.each(entries)(
    'when an Authorization header is Bearer + %s, then only a single word is a key',
    (_, input) => {
      expect(bearerToken(`Bearer ${input} x`)).toBeUndefined();
      expect(bearerToken(`Bearer ${input}`)).toBe(/\s/.test(input) ? undefined : input);
    },
  );

  it.each(entries)(
    'when a push bearer token is %s, then it is refused before any key lookup',
    async (_, input) => {
      const verifySignature = jest.fn();
      const authenticate = createPushAuthenticator({
        audience: 'https://example.com/pubsub/gmail',
        serviceAccount: 'push@example.iam.gserviceaccount.com',
        verifySignature,
        nowSeconds: () => 0,
      });
      expect(await authenticate(`Bearer ${input}!`)).toMatchObject({ ok: false, status: 401 });
      expect(decodeJwt(input)).toBeUndefined();
      expect(verifySignature).not.toHaveBeenCalled();
    },
  );

  it.each(entries)(
    'when a history id or pairing code is %s, then it is refused or normalized',
    (_, input) => {
      expect(parseHistoryId(input)).toBeUndefined();
      expect(normalizeCode(input)).toMatch(/^[A-Z0-9]*$/);
    },
  );
});
