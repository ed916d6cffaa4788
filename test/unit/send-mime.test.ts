import {
  composeMessage,
  encodeWords,
  foldHeader,
  rfc5322Date,
  toRaw,
} from '../../src/modules/send/domain/mime';
import type { DraftContent } from '../../src/modules/send/domain/types';
import { parseMessage } from '@mailbridge/google-emulator';

const content = (over: Partial<DraftContent> = {}): DraftContent => ({
  from: 'ada@example.com',
  to: [{ address: 'zoe@example.com', name: 'Zoë Müller-Lüdenscheidt' }, { address: 'bob@example.org' }],
  cc: [{ address: 'carol@example.net', name: 'Carol "CJ" Jones' }],
  bcc: [{ address: 'hidden@example.com' }],
  subject: 'Résumé für das Café — 日本語のテスト 🎉',
  body: 'Hallo Zoë,\nanbei der Entwurf.\r\n\nGrüße 🎉',
  ...over,
});

const compose = (c: DraftContent) =>
  composeMessage(c, { messageId: '<mb.abc@example.com>', date: new Date('2026-12-01T10:00:00Z') });

describe('MIME composer', () => {
  it('when headers hold non-ASCII text, then they decode back exactly and the raw header block is ASCII', () => {
    const parsed = parseMessage(Buffer.from(compose(content())));
    expect(parsed.headersAscii).toBe(true);
    expect(parsed.headers.subject).toBe('Résumé für das Café — 日本語のテスト 🎉');
    expect(parsed.headers.to).toBe('Zoë Müller-Lüdenscheidt <zoe@example.com>, bob@example.org');
    expect(parsed.headers.cc).toBe('"Carol \\"CJ\\" Jones" <carol@example.net>');
    expect(parsed.to).toEqual(['zoe@example.com', 'bob@example.org']);
    expect(parsed.cc).toEqual(['carol@example.net']);
    expect(parsed.bcc).toEqual(['hidden@example.com']);
    expect(parsed.headers.from).toBe('ada@example.com');
    expect(parsed.headers.date).toBe('Tue, 01 Dec 2026 10:00:00 +0000');
    expect(parsed.messageIdHeader).toBe('<mb.abc@example.com>');
    expect(parsed.headers['mime-version']).toBe('1.0');
    expect(parsed.headers['content-type']).toBe('text/plain; charset=UTF-8');
    expect(parsed.headers['content-transfer-encoding']).toBe('base64');
    expect(parsed.body).toBe('Hallo Zoë,\nanbei der Entwurf.\n\nGrüße 🎉');
  });

  it('when a header is long, then it is folded at spaces into lines of at most 78 characters', () => {
    const message = compose(
      content({ subject: 'ü'.repeat(300), to: [{ address: 'a@b.co', name: 'é'.repeat(120) }] }),
    );
    const head = message.slice(0, message.indexOf('\r\n\r\n'));
    for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(parseMessage(Buffer.from(message)).headers.subject).toBe('ü'.repeat(300));
  });

  it('when text is encoded, then no encoded-word exceeds 75 characters or splits a character', () => {
    const text = '🎉é日'.repeat(40);
    const words = encodeWords(text);
    for (const w of words) {
      expect(w.length).toBeLessThanOrEqual(75);
      const bytes = Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1]!, 'base64');
      expect(bytes.toString('utf8')).not.toContain('\uFFFD');
    }
    expect(words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('')).toBe(text);
  });

  it('when an ASCII subject looks like an encoded-word, then it is encoded so it reads literally', () => {
    const parsed = parseMessage(Buffer.from(compose(content({ subject: 'Re: =?UTF-8?B?SGk=?= test' }))));
    expect(parsed.headers.subject).toBe('Re: =?UTF-8?B?SGk=?= test');
  });

  it('when an ASCII subject is long, then folding keeps every space', () => {
    const subject = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ') + '  double  spaced';
    const parsed = parseMessage(Buffer.from(compose(content({ subject }))));
    expect(parsed.headers.subject).toBe(subject);
  });

  it('when there is no cc or bcc, then those headers are absent', () => {
    const parsed = parseMessage(Buffer.from(compose(content({ cc: [], bcc: [] }))));
    expect(parsed.headers.cc).toBeUndefined();
    expect(parsed.headers.bcc).toBeUndefined();
  });

  it('when folding, then a continuation line is never whitespace only', () => {
    expect(foldHeader('Subject', ['a'.repeat(70), '', 'b'])).not.toMatch(/\r\n \r\n|\r\n $/);
  });

  describe('when a word cannot fold within 78 characters', () => {
    const long = 'x'.repeat(998);
    const cases: Array<[string, Partial<DraftContent>, string, string]> = [
      ['a 998-character subject without spaces', { subject: long }, 'Subject', long],
      [
        'a long word between short ones',
        { subject: `Re: ${'y'.repeat(120)} ok` },
        'Subject',
        `Re: ${'y'.repeat(120)} ok`,
      ],
      ['a long run of spaces', { subject: `a${' '.repeat(996)}b` }, 'Subject', `a${' '.repeat(996)}b`],
      [
        'a 200-character ASCII display name',
        { to: [{ address: 'zoe@example.com', name: 'N'.repeat(200) }] },
        'To',
        `${'N'.repeat(200)} <zoe@example.com>`,
      ],
    ];
    it.each(cases)(
      'then %s is encoded into lines of at most 78 characters and decodes exactly',
      (_, over, name, value) => {
        const message = compose(content(over));
        const head = message.slice(0, message.indexOf('\r\n\r\n'));
        const lengths = head.split('\r\n').map((line) => line.length);
        expect(Math.max(...lengths)).toBeLessThanOrEqual(78);
        // Two independent readings: a minimal RFC 2047 decoder written here, and the emulator's parser.
        expect(decodeHeader(rawHeader(head, name))).toBe(value);
        const parsed = parseMessage(Buffer.from(message));
        expect(parsed.headersAscii).toBe(true);
        expect(parsed.headers[name.toLowerCase()]).toBe(value);
      },
    );
  });

  it('when a short ASCII subject folds at its spaces, then it stays readable (not encoded)', () => {
    const message = compose(content({ subject: 'Quarterly numbers' }));
    expect(message).toContain('\r\nSubject: Quarterly numbers\r\n');
  });

  it('encodes raw as base64url and dates as RFC 5322', () => {
    expect(toRaw('a?b>c')).toBe(Buffer.from('a?b>c').toString('base64url'));
    expect(rfc5322Date(new Date('2026-01-02T03:04:05Z'))).toBe('Fri, 02 Jan 2026 03:04:05 +0000');
  });
});

/** The folded value of header `name` (without the name), as it appears in the raw header block. */
function rawHeader(head: string, name: string): string {
  const match = new RegExp(`^${name}:((?:.*)(?:\\r\\n[ \\t].*)*)`, 'm').exec(head);
  if (!match) throw new Error(`no ${name} header`);
  return match[1]!;
}

/**
 * Minimal RFC 5322 unfolding and RFC 2047 decoding for the tests (UTF-8 B-words only): whitespace
 * between two adjacent encoded-words is dropped, everything else is kept as it is.
 */
function decodeHeader(folded: string): string {
  return folded
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/^ /, '')
    .replace(/(\?=)[ \t]+(?==\?)/g, '$1')
    .replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/g, (_, b64: string) =>
      Buffer.from(b64, 'base64').toString('utf8'),
    )
    .replace(/"((?:[^"\\]|\\.)*)"/g, (_, q: string) => q.replace(/\\(.)/g, '$1'));
}
