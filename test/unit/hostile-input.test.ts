import { parseMailbox } from '../../src/modules/send/domain/addresses';
import { unsafeTextProblem } from '../../src/modules/send/domain/unsafe-text';
import { MAX_BODY_BYTES, validateDraft } from '../../src/modules/send/domain/validate-draft';
import { REVIEW_BODY_CHARS } from '../../src/modules/send/domain/body-view';
import { senderAddress } from '../../src/modules/notify/domain/mail-filter';
import { createPushAuthenticator, decodeJwt } from '../../src/modules/notify/domain/push-auth';
import { parseHistoryId } from '../../src/modules/notify/domain/history-id';
import { normalizeCode } from '../../src/modules/connect/domain/pairing';
import { sendEmailBody } from '../../src/modules/send/tool-contract';
import { bearerToken } from '../../src/shared/agent-auth';
import { isAppError } from '../../src/shared/errors';
import { fork } from 'node:child_process';
import path from 'node:path';
import { limitKey } from '../../src/modules/connect/http/page-guard';
import { parsePushEnvelope } from '../../src/modules/notify/domain/push-envelope';
import { signButton, verifyButton } from '../../src/modules/send/domain/button-token';
import { verifyToken } from '../../src/shared/crypto';
import { bareMessageId } from '../../src/modules/send/gmail';
import { escapeMrkdwn } from '../../src/shared/mrkdwn';
import { classifyGoogleError } from '../../src/shared/google-errors';
import { N, SHAPES, fill } from '../helpers/hostile-shapes';
import { PARSERS } from '../helpers/hostile-parsers';

/**
 * Every parser that reads text from outside (the assistant's tool calls, incoming mail headers,
 * Pub/Sub pushes, pairing and connect pages, Slack action values, Google's errors) gets the
 * 100,000-character shapes of test/helpers/hostile-shapes.ts. The answers are asserted here; that
 * none of them hangs is checked in a child process (see the last test).
 */
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
    } else if (input.length > REVIEW_BODY_CHARS) {
      // Longer than a person can review whole: refused by length; its longest reviewable start is text like any.
      expect(() => validateDraft(draft)).toThrow(`at most ${REVIEW_BODY_CHARS} characters`);
      const start = input.slice(0, REVIEW_BODY_CHARS);
      expect(validateDraft({ ...draft, body: start }).body).toBe(start);
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
      expect(await authenticate(`Bearer ${input}!`)).toMatchObject({ ok: false, refusal: 'unauthenticated' });
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
  it.each(entries)('when a connect page client address is %s, then a key comes back', (_, input) => {
    expect(typeof limitKey(input)).toBe('string');
  });

  it.each(entries)('when a push body or its data is %s, then it is refused', (_, input) => {
    expect(parsePushEnvelope(input)).toMatchObject({ ok: false });
    const wrapped = JSON.stringify({ message: { data: Buffer.from(input).toString('base64') } });
    expect(parsePushEnvelope(wrapped)).toMatchObject({ ok: false, reason: 'oversized' });
  });

  it.each(entries)('when a Slack button value is %s, then it is refused', (_, input) => {
    const key = 'k'.repeat(44);
    expect(verifyButton(key, input, 'send', new Date(0))).toMatchObject({ ok: false });
    expect(verifyToken(key, 'button', input)).toBeUndefined();
    expect(
      verifyButton(
        key,
        `${signButton(key, { draftId: 'd', userId: 'U1', teamId: 'T1', action: 'send', expiresAt: new Date(60_000), version: 1 })}${input}`,
        'send',
        new Date(0),
      ),
    ).toMatchObject({ ok: false });
  });

  it.each(entries)('when a Message-ID header is <%s>, then its brackets are taken off', (_, input) => {
    expect(bareMessageId(` <${input}> `)).toBe(input);
  });

  it.each(entries)(
    'when email text is %s, then the mrkdwn escaper leaves no markup and keeps the bound',
    (_, input) => {
      const out = escapeMrkdwn(input, 3000, { singleLine: true });
      expect(out.length).toBeLessThanOrEqual(3000);
      expect(out).not.toMatch(/[<>]/);
    },
  );

  it.each(entries)('when a Google error message or code is %s, then it is classified', (_, input) => {
    expect(['timeout', 'network']).toContain(classifyGoogleError({ code: input, message: input }).kind);
    expect(classifyGoogleError({ message: fill('UND_ERR_', 'HEADERS_TIMEOUT') }).kind).toBe('timeout');
  });

  /*
   * A guard against a hang, not a speed target: a synchronous parser cannot be interrupted inside
   * Jest, so a child process calls every parser on every shape and reports each call; the test
   * fails, naming the call, if one of them has not returned within HANG_MS. The backtracking
   * patterns these parsers used to have took seconds to minutes on such inputs (and far longer on
   * 400,000 characters); a linear parser needs milliseconds, so a busy machine is no false alarm.
   */
  const HANG_MS = 5_000;
  it('when every parser reads every shape, then none of the calls hangs', async () => {
    const calls = Object.keys(PARSERS).length * entries.length;
    const child = fork(path.join(__dirname, '../helpers/hostile-run.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const outcome = await new Promise<{ done: boolean; started: number; last?: string }>((resolve) => {
      let started = 0;
      let last: string | undefined;
      let timer = setTimeout(() => resolve({ done: false, started, last }), HANG_MS * 6);
      child.on('message', (m: { started?: string; done?: boolean }) => {
        clearTimeout(timer);
        if (m.done) return resolve({ done: true, started, last });
        started += 1;
        last = m.started;
        timer = setTimeout(() => resolve({ done: false, started, last }), HANG_MS);
      });
      child.on('exit', () => resolve({ done: false, started, last }));
    });
    child.kill('SIGKILL');
    expect(outcome).toEqual({ done: true, started: calls, last: expect.any(String) });
  }, 120_000);
});
