import type { KnownBlock } from './slack-messenger';

/** Slack refuses a message (`invalid_blocks`) whose section text is longer than this. */
const SECTION_TEXT_LIMIT = 3000;

/** Slack decodes only these three entities; any text outside our control goes through them. */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Slack has no escape for its formatting characters, so those become look-alikes (as jsx-slack's
 * `<Escape>` does): text written by others can neither mention, link or broadcast, nor turn itself
 * or its surroundings bold, italic, struck or code.
 */
const LOOK_ALIKES: Record<string, string> = {
  ...ENTITIES,
  '*': '\u2217',
  _: '\u02cd',
  '~': '\u223c',
  '`': '\u02cb',
};

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Control characters and Unicode's line and paragraph separators: each would start a new line. */
const LINE_BREAKING = /[\p{Cc}\u2028\u2029]/gu;
/**
 * Bidi embeddings, overrides and isolates, which can reverse or move the text around them (a sender
 * shown backwards, a subject spilling over the label). LRM/RLM stay: they only place neutral
 * characters next to right-to-left script, as Persian or Hebrew text legitimately does.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A single-line field (a sender, a subject, an address) as one line of plain text: line breaks,
 * tabs and other controls become spaces, bidi controls are dropped. Neither can then fake a line of
 * its own in the DM (`\n*From:* ceo@corp`) nor turn a name around.
 */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKING, ' ').replace(BIDI_CONTROLS, '');
}

/**
 * The one mrkdwn escaper: text written by others (email senders and subjects, the assistant) for a
 * mrkdwn string or a message's `text`, at most `maxLength` characters once escaped. A longer text
 * is cut between user-perceived characters (never inside an entity, a surrogate pair or an emoji
 * sequence) and ends with "…". `verbatim` keeps formatting characters (inside inline code, where
 * none applies), escaping only the entities. `singleLine` passes the text through `oneLine` first.
 */
export function escapeMrkdwn(
  text: string,
  maxLength = Infinity,
  opts: { verbatim?: boolean; singleLine?: boolean } = {},
): string {
  const table = opts.verbatim ? ENTITIES : LOOK_ALIKES;
  const source = opts.singleLine ? oneLine(text) : text;
  // Every character of a cluster is escaped: a combining mark must not shield a `<` after it.
  const escape = (piece: string) => piece.replace(/[&<>*_~`]/g, (c) => table[c] ?? c);
  const full = escape(source);
  if (full.length <= maxLength) return full;
  // Escaping never shortens a character, so the cut falls within the first maxLength characters:
  // only those are segmented (Intl.Segmenter takes quadratic time over a whole long text).
  const head = source.slice(0, Math.min(source.length, maxLength + 1));
  const pieces = Array.from(graphemes.segment(head), ({ segment }) => escape(segment));
  let out = '';
  for (const piece of pieces) {
    if (out.length + piece.length + 1 > maxLength) break;
    out += piece;
  }
  return `${out}…`;
}

/** Inline code shows an address exactly (no formatting applies inside); only entities are needed. */
export function codeMrkdwn(text: string): string {
  if (text.includes('`')) return escapeMrkdwn(text, Infinity, { singleLine: true });
  return `\`${escapeMrkdwn(text, Infinity, { verbatim: true, singleLine: true })}\``;
}

/**
 * What the person just typed (a command's argument), echoed as inline code, at most `maxLength`
 * characters. Backticks and the entity characters are dropped rather than escaped, so the echo can
 * neither close the code span nor mention, link or broadcast (`<!here>` reads `!here`); it stays one line.
 */
export const typedCodeMrkdwn = (text: string, maxLength: number): string =>
  `\`${oneLine(text)
    .replace(/[`<>&]/g, '')
    .slice(0, maxLength)}\``;

/** An address held in our own records (a connected mailbox) in Slack text: shown exactly, one line. */
export const addressMrkdwn = (email: string): string =>
  escapeMrkdwn(email, Infinity, { verbatim: true, singleLine: true });

/**
 * `a, b and 3 more`: items in order while they fit in `budget` characters; the first is always
 * shown, so the result is at most max(budget, first item) plus the "and N more".
 */
export function listWithin(items: string[], budget: number, separator = ', '): string {
  const shown: string[] = [];
  let used = 0;
  for (const item of items) {
    const cost = item.length + (shown.length ? separator.length : 0);
    if (shown.length && used + cost > budget) break;
    shown.push(item);
    used += cost;
  }
  const more = items.length - shown.length;
  return more ? `${shown.join(separator)} and ${more} more` : shown.join(separator);
}

/**
 * mrkdwn sections holding `lines` in order, as few as possible: lines share a section while its
 * text stays within Slack's limit. Each line must itself be within the limit.
 */
export function sectionsOf(lines: string[]): KnownBlock[] {
  const texts: string[] = [];
  for (const line of lines) {
    const last = texts.length - 1;
    if (last >= 0 && texts[last]!.length + 1 + line.length <= SECTION_TEXT_LIMIT) texts[last] += `\n${line}`;
    else texts.push(line);
  }
  return texts.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}
