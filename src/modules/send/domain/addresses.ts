import type { Mailbox } from './types';
import { unsafeTextProblem } from './unsafe-text';

export const MAX_ADDRESS_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;
export const MAX_DISPLAY_NAME_LENGTH = 200;
/** Longest `Name <address>` string looked at: anything longer is refused before any parsing. */
export const MAX_MAILBOX_INPUT_LENGTH = 320;

/** RFC 5322 atext: a dot-atom local part only. Quoted local parts are refused on purpose (strict). */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

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

/** `"Name, Jr."` → `Name, Jr.`; undefined when the quotes do not enclose one quoted-string. */
function unquote(raw: string): string | undefined {
  if (raw.length < 2 || !raw.startsWith('"') || !raw.endsWith('"')) return undefined;
  let out = '';
  for (let i = 1; i < raw.length - 1; i++) {
    let c = raw[i];
    if (c === '"') return undefined;
    if (c === '\\') c = raw[++i];
    if (c === undefined || i === raw.length - 1) return undefined;
    out += c;
  }
  return out;
}

/** `Name <a@example.com>` → name and address; undefined when the text does not end in `<...>`. */
function splitAngled(text: string): { rawName: string; address: string } | undefined {
  if (!text.endsWith('>')) return undefined;
  const open = text.lastIndexOf('<');
  if (open < 0) return undefined;
  const inside = text.slice(open + 1, -1);
  if (inside.includes('>')) return undefined;
  return { rawName: text.slice(0, open).trim(), address: inside.trim() };
}

/**
 * Parses `a@example.com`, `Name <a@example.com>` or `"Name, Jr." <a@example.com>`. Returns the
 * mailbox or a problem phrased for the assistant ("must look like ..."). Input longer than
 * MAX_MAILBOX_INPUT_LENGTH is refused first; every step after that is a single linear scan.
 */
export function parseMailbox(input: string): Mailbox | { problem: string } {
  if (input.length > MAX_MAILBOX_INPUT_LENGTH)
    return { problem: `is longer than ${MAX_MAILBOX_INPUT_LENGTH} characters` };
  // Before trimming: an invisible character at either end is refused, not silently dropped.
  const unsafe = unsafeTextProblem(input, { allowTab: false, name: true });
  if (unsafe) return { problem: unsafe };
  const text = input.trim();
  const angled = splitAngled(text);
  const address = angled ? angled.address : text;
  const problem = addressProblem(address);
  if (problem) return { problem: `address "${address}" ${problem}` };
  const rawName = angled?.rawName ?? '';
  if (!rawName) return { address };
  const quoted = unquote(rawName);
  if (quoted === undefined && /["<>]/.test(rawName))
    return { problem: 'has an unbalanced quote or angle bracket' };
  const name = (quoted ?? rawName).trim();
  if (name.length > MAX_DISPLAY_NAME_LENGTH)
    return { problem: `display name is longer than ${MAX_DISPLAY_NAME_LENGTH} characters` };
  return name ? { address, name } : { address };
}
