/**
 * What the person confirming an email must be able to trust: nothing in a header may break the
 * line, nothing may reorder what they read, nothing may be invisible, and everything must be
 * encodable. Scripts and emoji need a few format characters (ZWJ in 👩‍👩‍👧, ZWNJ in Persian, LRM/RLM
 * in mixed text, tag characters inside a subdivision flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿), so those pass.
 *
 * Every check is one pass over the text (a character class per character): linear in the input.
 */

/** An unpaired UTF-16 surrogate has no UTF-8 encoding: it would reach Gmail as U+FFFD. */
export const hasLoneSurrogate = (v: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v);

const CONTROL = /\p{Cc}/u;
const FORMAT = /\p{Cf}/u;
/** ZWNJ, ZWJ, LRM, RLM: scripts and emoji need them, and they cannot reorder text by themselves. */
const NEEDED_FORMAT = new Set([0x200c, 0x200d, 0x200e, 0x200f]);
const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;
const isBidiControl = (cp: number) => (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);

/** Where the emoji tag sequence starting after a black flag at `from` ends, or undefined when there is none. */
function flagEnd(text: string, from: number): number | undefined {
  let i = from;
  for (
    let cp = text.codePointAt(i);
    cp !== undefined && cp >= 0xe0020 && cp <= 0xe007e;
    cp = text.codePointAt(i)
  )
    i += 2;
  return i > from && text.codePointAt(i) === CANCEL_TAG ? i + 2 : undefined;
}

export type HiddenKind = 'line_break' | 'bare_cr' | 'control' | 'bidi' | 'invisible';

export interface HiddenCharacter {
  kind: HiddenKind;
  /** `U+200B` */
  char: string;
  /** Its index in the text, in UTF-16 code units from 0 (as JavaScript and JSON count). */
  index: number;
}

/**
 * The first character of `text` a person could not see as it is sent, or that changes what they
 * read: a control character (tab where `tab`, LF and CRLF where `lines`), a line or paragraph
 * separator (shown as a break by some readers, as nothing by others), a bidirectional embedding, override or isolate, or an invisible format
 * character (zero-width space, BOM, soft hyphen, U+FFF9–FFFB, a tag character outside a flag...).
 */
export function hiddenCharacter(
  text: string,
  opts: { tab: boolean; lines: boolean },
): HiddenCharacter | undefined {
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (cp === BLACK_FLAG) {
      const end = flagEnd(text, i + 2);
      if (end !== undefined) {
        i = end;
        continue;
      }
    }
    const kind = kindOf(cp, text.charCodeAt(i + 1), opts);
    if (kind) return { kind, char: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`, index: i };
    i += cp === 0x0d && opts.lines ? 2 : width; // a CR allowed here is always followed by its LF
  }
  return undefined;
}

function kindOf(cp: number, next: number, opts: { tab: boolean; lines: boolean }): HiddenKind | undefined {
  if (cp === 0x0a || cp === 0x0d) {
    if (!opts.lines) return 'line_break';
    return cp === 0x0d && next !== 0x0a ? 'bare_cr' : undefined;
  }
  if (cp === 0x09) return opts.tab ? undefined : 'control';
  if (cp === 0x2028 || cp === 0x2029) return 'control';
  if (cp < 0x80 ? cp < 0x20 || cp === 0x7f : CONTROL.test(String.fromCodePoint(cp))) return 'control';
  if (isBidiControl(cp)) return 'bidi';
  if (cp < 0xad || NEEDED_FORMAT.has(cp)) return undefined;
  return FORMAT.test(String.fromCodePoint(cp)) ? 'invisible' : undefined;
}

const WHAT: Record<HiddenKind, string> = {
  line_break: 'a line break (not allowed here)',
  bare_cr: 'a carriage return not followed by a line feed (use \\n or \\r\\n)',
  control: 'a control or line separator character',
  bidi: 'a bidirectional override or isolate character (U+202A–U+202E, U+2066–U+2069 reorder the text shown)',
  invisible:
    'an invisible formatting character (only ZWJ, ZWNJ, LRM, RLM and emoji tag characters of a flag are allowed)',
};

/** `must not contain U+200B, an invisible formatting character (...), at index 4`, for the assistant to fix. */
export const hiddenProblem = (h: HiddenCharacter) =>
  `must not contain ${h.char}, ${WHAT[h.kind]}, found at index ${h.index} (UTF-16 code units from 0)`;

/**
 * Why `value` cannot be shown in a confirmation or used as a one-line header, or undefined. A tab is
 * allowed where `allowTab` says so (a subject); line and paragraph separators never are. The same
 * format characters are refused in a subject and in a display name (an invisible character there
 * only serves to look like someone else: "Bank\u200B").
 */
export function unsafeTextProblem(
  value: string,
  opts: { allowTab: boolean; name?: boolean },
): string | undefined {
  if (hasLoneSurrogate(value)) return 'contains an unpaired UTF-16 surrogate (invalid Unicode text)';
  const hidden = hiddenCharacter(value, { tab: opts.allowTab, lines: false });
  return hidden ? hiddenProblem(hidden) : undefined;
}

/** Why a body cannot be shown as it will be sent, or undefined: tab, LF and CRLF are its only controls. */
export function bodyTextProblem(body: string): string | undefined {
  if (hasLoneSurrogate(body)) return 'contains an unpaired UTF-16 surrogate (invalid Unicode text)';
  const hidden = hiddenCharacter(body, { tab: true, lines: true });
  return hidden ? hiddenProblem(hidden) : undefined;
}
