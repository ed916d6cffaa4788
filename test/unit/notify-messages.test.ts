import type { MailHeaders } from '../../src/domain/notify/types';
import { digestMessage, newMailMessage } from '../../src/slack/blocks/notify-messages';
import { escapeMrkdwn } from '../../src/slack/blocks/mrkdwn';

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
