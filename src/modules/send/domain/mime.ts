import { isMsgId, replySubject } from './reply-to';
import type { DraftContent, Mailbox, ReplyTo } from './types';

const CRLF = '\r\n';
/**
 * Lines are folded to stay within RFC 5322's recommended 78 characters. Text that folding at its
 * spaces cannot fit (a long word, a long run of spaces) is sent as encoded-words instead, which may
 * be split anywhere; only an address itself (at most 256 characters with its brackets) can make a
 * line longer, far below the 998-character hard limit.
 */
const LINE_LIMIT = 78;
/** The longest token that fits a line whatever the header: after "From: " or on a continuation line. */
const SAFE_TOKEN = LINE_LIMIT - 'From: '.length;
/**
 * UTF-8 bytes per RFC 2047 encoded-word: 39 bytes → 52 base64 characters → a 64-character word,
 * which fits on a folded line next to "Subject: " and well under the 75-character word limit.
 */
const WORD_BYTES = 39;
const BODY_LINE = 76;

const isPrintableAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

/**
 * RFC 2047 B-encoded words, split only between characters: a word never ends inside a UTF-8
 * sequence (or a surrogate pair), as RFC 2047 section 5 requires.
 */
export function encodeWords(text: string): string[] {
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char, 'utf8') > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk || words.length === 0) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`);
}

/** Joins tokens with single spaces, folding (CRLF + space) before a token that would overflow the line. */
export function foldHeader(name: string, tokens: string[]): string {
  let out = `${name}:`;
  let lineLength = out.length;
  for (const token of tokens) {
    const overflow = lineLength + 1 + token.length > LINE_LIMIT;
    // Never fold before an empty token: a continuation line of only whitespace is not allowed.
    if (overflow && token !== '' && lineLength > name.length + 1) {
      out += `${CRLF} ${token}`;
      lineLength = 1 + token.length;
    } else {
      out += ` ${token}`;
      lineLength += 1 + token.length;
    }
  }
  return out;
}

/** Plain ASCII stays readable; anything a decoder could misread as an encoded-word is encoded too. */
const needsEncoding = (text: string) => !isPrintableAscii(text) || text.includes('=?');

const fitsLines = (folded: string) => folded.split(CRLF).every((line) => line.length <= LINE_LIMIT);

/** Readable words when they fold within the limit; folding inside a word would change the subject. */
function subjectTokens(subject: string): string[] {
  if (needsEncoding(subject)) return encodeWords(subject);
  const words = subject.split(' ');
  return fitsLines(foldHeader('Subject', words)) ? words : encodeWords(subject);
}

/** A display name as an RFC 5322 phrase: a quoted-string when ASCII and short, encoded-words otherwise. */
function phraseTokens(name: string): string[] {
  const quoted = `"${name.replace(/(["\\])/g, '\\$1')}"`;
  return needsEncoding(name) || quoted.length > SAFE_TOKEN ? encodeWords(name) : [quoted];
}

function addressListTokens(list: Mailbox[]): string[] {
  const tokens: string[] = [];
  list.forEach((m, i) => {
    const comma = i < list.length - 1 ? ',' : '';
    if (m.name) tokens.push(...phraseTokens(m.name), `<${m.address}>${comma}`);
    else tokens.push(`${m.address}${comma}`);
  });
  return tokens;
}

/** In-Reply-To and References of a reply; only well-formed msg-ids reach the header block. */
function threadingHeaders(reply: ReplyTo | undefined): string[] {
  if (!reply) return [];
  const references = reply.references.filter(isMsgId);
  return [
    ...(reply.messageId && isMsgId(reply.messageId) ? [`In-Reply-To: ${reply.messageId}`] : []),
    ...(references.length ? [foldHeader('References', references)] : []),
  ];
}

/** RFC 5322 date-time in UTC, e.g. `Tue, 01 Dec 2026 10:00:00 +0000`. */
export const rfc5322Date = (d: Date) => d.toUTCString().replace(/GMT$/, '+0000');

function base64Body(body: string): string {
  // text/plain is canonically CRLF-terminated; normalise whatever line ends the assistant used.
  const canonical = body.replace(/\r\n|\r|\n/g, CRLF);
  const encoded = Buffer.from(canonical, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += BODY_LINE) lines.push(encoded.slice(i, i + BODY_LINE));
  return lines.join(CRLF);
}

/**
 * The RFC 5322 message Gmail sends. Bcc stays in the header block: Gmail's messages.send reads the
 * Bcc field to add those recipients and strips it from what the other recipients receive.
 */
export function composeMessage(
  content: DraftContent,
  opts: { messageId: string; date: Date; fromName?: string },
): string {
  const from: Mailbox = opts.fromName
    ? { address: content.from, name: opts.fromName }
    : { address: content.from };
  const headers = [
    foldHeader('From', addressListTokens([from])),
    foldHeader('To', addressListTokens(content.to)),
    ...(content.cc.length ? [foldHeader('Cc', addressListTokens(content.cc))] : []),
    ...(content.bcc.length ? [foldHeader('Bcc', addressListTokens(content.bcc))] : []),
    foldHeader('Subject', subjectTokens(replySubject(content.subject, content.reply))),
    `Date: ${rfc5322Date(opts.date)}`,
    `Message-ID: ${opts.messageId}`,
    ...threadingHeaders(content.reply),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
  ];
  return `${headers.join(CRLF)}${CRLF}${CRLF}${base64Body(content.body)}${CRLF}`;
}

/** Gmail's `raw`: the whole message, base64url. */
export const toRaw = (message: string) => Buffer.from(message, 'utf8').toString('base64url');
