import type { Mailbox } from './types';

export const MAX_ADDRESS_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;
export const MAX_DISPLAY_NAME_LENGTH = 200;

/** RFC 5322 atext: a dot-atom local part only. Quoted local parts are refused on purpose (strict). */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** Header values must never smuggle a line break (header injection) or a NUL. */
export const hasForbiddenHeaderChars = (v: string) => /[\r\n\0]/.test(v);

/**
 * Text a person must read to confirm: no control characters, no invisible format characters
 * (bidi overrides such as U+202E, zero-width characters) and no line or paragraph separators.
 */
export const hasHiddenChars = (v: string) => /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(v);

export function addressProblem(address: string): string | undefined {
  if (address.length > MAX_ADDRESS_LENGTH) return `is longer than ${MAX_ADDRESS_LENGTH} characters`;
  if (/[^\x21-\x7e]/.test(address)) return 'must be a plain ASCII address without spaces';
  const at = address.lastIndexOf('@');
  if (at < 1) return 'must look like name@example.com';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > MAX_LOCAL_PART_LENGTH)
    return `has a local part longer than ${MAX_LOCAL_PART_LENGTH} characters`;
  if (!LOCAL_PART.test(local)) return 'has an invalid local part (before the @)';
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l)) || !TLD.test(labels.at(-1) ?? ''))
    return 'has an invalid domain (after the @)';
  return undefined;
}

/**
 * Parses `a@example.com`, `Name <a@example.com>` or `"Name, Jr." <a@example.com>`. Returns the
 * mailbox or a problem phrased for the assistant ("must look like ...").
 */
export function parseMailbox(input: string): Mailbox | { problem: string } {
  if (hasForbiddenHeaderChars(input)) return { problem: 'must not contain line breaks or NUL characters' };
  // Before trimming: an invisible character at either end is refused, not silently dropped.
  if (hasHiddenChars(input)) {
    return { problem: 'must not contain control, invisible formatting or line separator characters' };
  }
  const text = input.trim();
  const angled = /^(.*?)\s*<([^<>]*)>$/s.exec(text);
  const address = (angled ? angled[2] : text)?.trim() ?? '';
  const problem = addressProblem(address);
  if (problem) return { problem: `address "${address}" ${problem}` };
  const rawName = angled?.[1]?.trim() ?? '';
  if (!rawName) return { address };
  const quoted = /^"((?:[^"\\]|\\.)*)"$/s.exec(rawName);
  if (!quoted && /["<>]/.test(rawName)) return { problem: 'has an unbalanced quote or angle bracket' };
  const name = (quoted ? (quoted[1] ?? '').replace(/\\(.)/gs, '$1') : rawName).trim();
  if (name.length > MAX_DISPLAY_NAME_LENGTH)
    return { problem: `display name is longer than ${MAX_DISPLAY_NAME_LENGTH} characters` };
  return name ? { address, name } : { address };
}
