/**
 * What the person confirming an email must be able to trust: nothing in a header may break the
 * line, nothing may reorder what they read, and everything must be encodable. Scripts and emoji
 * need format characters (ZWJ in 👩‍👩‍👧, ZWNJ in Persian, LRM/RLM in mixed text), so those pass.
 *
 * Every pattern here is a single character class or a fixed-width lookaround: linear in the input.
 */

/** Header values must never smuggle a line break (header injection) or a NUL. */
export const hasForbiddenHeaderChars = (v: string) => /[\r\n\0]/.test(v);

/** Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder the text a person reads. */
export const hasBidiControls = (v: string) => /[\u202A-\u202E\u2066-\u2069]/.test(v);

/** An unpaired UTF-16 surrogate has no UTF-8 encoding: it would reach Gmail as U+FFFD. */
export const hasLoneSurrogate = (v: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v);

const CONTROLS_BUT_TAB = /(?!\t)[\p{Cc}\u2028\u2029]/u;
const CONTROLS = /[\p{Cc}\u2028\u2029]/u;
/**
 * Format characters other than those scripts and emoji need: ZWNJ, ZWJ, LRM/RLM (they only place
 * neutral characters next to right-to-left script and cannot reorder text by themselves) and emoji
 * tag characters (subdivision flags). Zero-width spaces, word joiners, the BOM... are refused.
 */
const INVISIBLE_BUT_NEEDED = /(?![\u200C-\u200F]|[\u{E0020}-\u{E007F}])\p{Cf}/u;

/**
 * Why `value` cannot be shown in a confirmation or used as a one-line header, or undefined. A tab is
 * allowed where `allowTab` says so (a subject); line and paragraph separators never are. `name`:
 * a display name next to an address, where an invisible character only serves to look like
 * someone else ("Bank\u200B"), so only the marks scripts and emoji need pass.
 */
export function unsafeTextProblem(
  value: string,
  opts: { allowTab: boolean; name?: boolean },
): string | undefined {
  if (hasForbiddenHeaderChars(value)) return 'must not contain line breaks or NUL characters';
  if (hasLoneSurrogate(value)) return 'contains an unpaired UTF-16 surrogate (invalid Unicode text)';
  if (hasBidiControls(value)) {
    return 'must not contain bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)';
  }
  if ((opts.allowTab ? CONTROLS_BUT_TAB : CONTROLS).test(value)) {
    return 'must not contain control or line separator characters';
  }
  if (opts.name && INVISIBLE_BUT_NEEDED.test(value)) {
    return 'must not contain invisible formatting characters (in names only ZWJ, ZWNJ, LRM, RLM and emoji tag characters are allowed)';
  }
  return undefined;
}
