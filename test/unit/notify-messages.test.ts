import type { MailHeaders } from '../../src/modules/notify/domain/types';
import { digestMessage, newMailMessage } from '../../src/modules/notify/blocks';
import { NOTIFY_USAGE, unknownArgumentReply } from '../../src/modules/notify/replies';
import { escapeMrkdwn } from '../../src/shared/mrkdwn';

const mail = (over: Partial<MailHeaders> = {}): MailHeaders => ({
  id: '18c0ffee',
  threadId: '18c0ffee',
  labelIds: ['INBOX'],
  from: 'x@example.org',
  subject: 'hello',
  receivedAt: new Date('2026-11-20T12:00:00Z'),
  ...over,
});

const HOSTILE_FROM = '<!channel> "Support" <https://evil.example|Your session expired>';
const HOSTILE_SUBJECT = '<https://evil.example|Reset your password> &lt;b&gt; <@U123> *bold* <!here>';

/** Every `<…>` Slack would parse: ours are the Gmail links, dates and nothing else. */
const liveMarkup = (s: string) =>
  (s.match(/<[^>]*>/g) ?? []).filter(
    (m) => !m.startsWith('<https://mail.google.com/') && !m.startsWith('<!date^'),
  );

const textsOf = (m: { text: string; blocks?: unknown[] }) => [
  m.text,
  ...JSON.stringify(m.blocks ?? [])
    .match(/"text":"(?:[^"\\]|\\.)*"/g)!
    .map((t) => JSON.parse(t.slice(7)) as string),
];

describe('new-mail notifications with hostile senders and subjects', () => {
  it('when From and Subject carry Slack markup, then neither the blocks nor the text fallback contain any', () => {
    const m = newMailMessage('me@example.com', mail({ from: HOSTILE_FROM, subject: HOSTILE_SUBJECT }));
    for (const t of textsOf(m)) expect(liveMarkup(t)).toEqual([]);
    expect(m.text).toContain('&lt;!channel&gt;');
    expect(m.text).toContain('&lt;https://evil.example|Your session expired&gt;');
    // An entity written by the sender is shown as written, not decoded into markup.
    expect(m.text).toContain('&amp;lt;b&amp;gt;');
    expect(m.text).not.toContain('*bold*');
  });

  it('when a digest holds hostile messages, then no line, header or text fallback carries their markup', () => {
    const mails = Array.from({ length: 7 }, (_, i) =>
      mail({ id: `m${i}`, from: HOSTILE_FROM, subject: HOSTILE_SUBJECT }),
    );
    const d = digestMessage('me@example.com', mails);
    for (const t of textsOf(d)) expect(liveMarkup(t)).toEqual([]);
  });

  it('when a long subject is cut at an emoji, then no surrogate pair, emoji sequence or entity is split', () => {
    const family = '👩‍👩‍👧';
    for (let pad = 0; pad < 12; pad++) {
      const subject = `${'a'.repeat(190 + pad)}${family}&&${'😀'.repeat(20)}`;
      const text = newMailMessage('me@example.com', mail({ subject })).text;
      expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
      // Whatever survives after the a's is the whole family or nothing of it.
      const tail = /a{190,}(.*?)…/u.exec(text)![1]!;
      expect(tail === '' || tail.startsWith(family)).toBe(true);
    }
    expect(escapeMrkdwn('&&&', 12)).toBe('&amp;&amp;…');
    expect(escapeMrkdwn(`ab${family}`, 5)).toBe('ab…');
  });

  it('when a combining mark follows an angle bracket, then the bracket is still escaped', () => {
    expect(escapeMrkdwn('<\u0301!channel>')).toBe('&lt;\u0301!channel&gt;');
  });

  it('when a digest covers 100 messages with long subjects, then it says how many it leaves out and stays within Slack limits', () => {
    const mails = Array.from({ length: 100 }, (_, i) =>
      mail({
        id: `id${i}`,
        from: `"${'N'.repeat(300)}" <n${i}@example.org>`,
        subject: `${'S'.repeat(900)} ${i}`,
      }),
    );
    const d = digestMessage('me@example.com', mails);
    expect(d.text.length).toBeLessThanOrEqual(4000);
    const inText = (d.text.match(/#inbox\/id\d+/g) ?? []).length;
    expect(d.text).toMatch(new RegExp(` and ${100 - inText} more$`));
    expect(d.blocks!.length).toBeLessThanOrEqual(50);
    for (const b of d.blocks!) {
      const text = (b as { text?: { text: string } }).text?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(3000);
    }
    const blocks = JSON.stringify(d.blocks);
    expect(blocks).toContain('… and 90 more');
    expect(blocks).toContain('#inbox/id99|');
    expect(blocks).not.toContain('#inbox/id89|');
  });
});

describe('single-line email fields', () => {
  const FAKE_LINE = 'Invoice\n*From:* ceo@corp.example\r\nSubject: wire now';

  it('when a subject or sender carries line breaks, controls or line separators, then the DM shows them on one line', () => {
    const m = newMailMessage(
      'me@example.com',
      mail({ from: 'a\u2028b\u2029c\u0000d\u0085e\tf', subject: FAKE_LINE }),
    );
    for (const t of textsOf(m)) {
      // Newlines remain only where the message itself breaks lines: none starts with the sender's text.
      for (const c of ['\r', '\t', '\u0000', '\u0085', '\u2028', '\u2029']) expect(t).not.toContain(c);
      expect(t.split('\n').filter((line) => /^\s*(∗From:∗|Subject: wire|b|c)/.test(line))).toEqual([]);
    }
    expect(m.text).toContain('Invoice ∗From:∗ ceo@corp.example  Subject: wire now');
    expect(m.text).toContain('a b c d e f');
    const d = digestMessage('me@example.com', [mail({ id: 'x1', subject: FAKE_LINE }), mail({ id: 'x2' })]);
    for (const t of textsOf(d)) expect(t).not.toContain('\n∗From:∗ ceo');
  });

  it('when a sender or subject carries bidi overrides, embeddings or isolates, then they are dropped and LRM/RLM and ZWJ kept', () => {
    const from = 'evil\u202Emoc.elgoog@\u202C <x@example.org>';
    const subject = '\u2066\u202Aفارسی\u200c\u200Fمتن\u202B\u202D\u2067\u2068\u2069 👩‍👩‍👧';
    const m = newMailMessage('me@example.com', mail({ from, subject }));
    for (const t of textsOf(m)) expect(t).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(m.text).toContain('evilmoc.elgoog@');
    expect(m.text).toContain('فارسی\u200c\u200Fمتن 👩‍👩‍👧');
  });

  it('when the escaper is asked for one line, then the result is one line with the same escaping', () => {
    expect(escapeMrkdwn('<a>\n*b*\u202E', Infinity, { singleLine: true })).toBe('&lt;a&gt; \u2217b\u2217');
    expect(escapeMrkdwn('x\ny', Infinity, { verbatim: true, singleLine: true })).toBe('x y');
    // Multi-line text (the assistant's body) keeps its lines unless asked.
    expect(escapeMrkdwn('x\ny')).toBe('x\ny');
  });
});

describe('echoing an unknown command argument', () => {
  it('when the argument carries markup, backticks, line breaks or bidi controls, then the echo is one inert line of inline code', () => {
    const { text } = unknownArgumentReply('<!channel>\n`x`\u202eevil &amp;');
    expect(text.startsWith('I did not understand `!channel xevil amp;`. ')).toBe(true);
    expect(liveMarkup(text)).toEqual([]);
  });

  it('when the argument is long, then at most 40 of its characters are echoed', () => {
    expect(unknownArgumentReply('a'.repeat(100)).text).toBe(
      `I did not understand \`${'a'.repeat(40)}\`. ${NOTIFY_USAGE}`,
    );
  });
});
