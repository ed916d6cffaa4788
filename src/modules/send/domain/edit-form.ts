import { hasStringClaims, signToken, verifySlackToken } from '../../../shared/crypto';
import type { DraftRequest } from './validate-draft';
import type { DraftContent, Mailbox } from './types';

/** Slack's plain_text_input takes at most 3,000 characters. */
export const INPUT_MAX_CHARS = 3000;
/** The body is edited in consecutive parts of at most INPUT_MAX_CHARS each (a modal holds 100 blocks). */
export const MAX_BODY_PARTS = 40;
/** A body this close to filling its parts is given one empty part more to grow into. */
const GROWTH_ROOM = 500;

/** What the Edit modal shows and gives back: address lists one mailbox a line, the body in parts. */
export interface EditFields {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  body: string[];
}

const quoteName = (name: string) =>
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*$/.test(name) ? name : `"${name.replace(/(["\\])/g, '\\$1')}"`;

/** `Name <address>` (the name quoted when it needs it), or the bare address: what parseMailbox reads back. */
export const mailboxText = (m: Mailbox) => (m.name ? `${quoteName(m.name)} <${m.address}>` : m.address);

/**
 * Splits the body into parts of at most INPUT_MAX_CHARS, each ending where a line ends when one
 * does within the part (that line break is the joint) and never inside a surrogate pair. Joined
 * back with a line break, an unchanged body is the same text (its final line break included), except
 * a single line longer than a part, which gains a line break at the cut (only where no line break
 * is near enough: a line of more than 3,000 characters cannot be shown in one input).
 */
export function bodyParts(body: string): string[] {
  const parts: string[] = [];
  let rest = body;
  while (rest.length > INPUT_MAX_CHARS) {
    let nl = rest.lastIndexOf('\n', INPUT_MAX_CHARS);
    // A cut at the body's final line break would leave an empty last part, which reads as room to
    // grow and is dropped on Save: cut at the line break before it, keeping the final one in the body
    // (a body whose only line break ends a 3,000-character line still loses it).
    if (nl === rest.length - 1 && rest.lastIndexOf('\n', nl - 1) > 0) nl = rest.lastIndexOf('\n', nl - 1);
    if (nl > 0) {
      parts.push(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
      continue;
    }
    const high = rest.charCodeAt(INPUT_MAX_CHARS - 1);
    const cut = high >= 0xd800 && high <= 0xdbff ? INPUT_MAX_CHARS - 1 : INPUT_MAX_CHARS;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  parts.push(rest);
  const full = parts.length * INPUT_MAX_CHARS - body.length < GROWTH_ROOM;
  return full && parts.length < MAX_BODY_PARTS ? [...parts, ''] : parts;
}

/** The modal's fields for this content; undefined when a field cannot be shown whole in a modal. */
export function editFields(c: DraftContent): EditFields | undefined {
  const list = (ms: Mailbox[]) => ms.map(mailboxText).join('\n');
  const fields = {
    to: list(c.to),
    cc: list(c.cc),
    bcc: list(c.bcc),
    subject: c.subject,
    body: bodyParts(c.body),
  };
  const texts = [fields.to, fields.cc, fields.bcc, fields.subject, ...fields.body];
  if (fields.body.length > MAX_BODY_PARTS || texts.some((t) => t.length > INPUT_MAX_CHARS)) return undefined;
  return fields;
}

/** Mailboxes separated by line breaks, commas or semicolons outside quotes and angle brackets. */
export function splitMailboxes(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"' && !angled) quoted = !quoted;
    else if (c === '<' && !quoted) angled = true;
    else if (c === '>' && !quoted) angled = false;
    if (!quoted && !angled && (c === '\n' || c === ',' || c === ';')) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** The submission as the tool API's request: the same validation applies to both. */
export function editRequest(f: EditFields): DraftRequest {
  const parts = [...f.body];
  while (parts.length > 1 && parts.at(-1) === '') parts.pop();
  return {
    to: splitMailboxes(f.to),
    cc: splitMailboxes(f.cc),
    bcc: splitMailboxes(f.bcc),
    subject: f.subject,
    body: parts.join('\n'),
  };
}

/** A purpose of its own: a button token never verifies as an edit form, nor the reverse. */
const PURPOSE = 'send-email-edit-form';

/** What the open modal carries (signed, in private_metadata): whose draft, which version, where the preview is. */
export interface EditState {
  draftId: string;
  userId: string;
  teamId: string;
  version: number;
  expiresAt: Date;
  /** The Edit click's response_url: how an ephemeral preview is replaced by the edited email. */
  responseUrl?: string;
}

interface StateClaims {
  d: string;
  u: string;
  t: string;
  v: number;
  e: number;
  r?: string;
}

export function signEditState(key: string, s: EditState): string {
  const claims: StateClaims = {
    d: s.draftId,
    u: s.userId,
    t: s.teamId,
    v: s.version,
    e: Math.ceil(s.expiresAt.getTime() / 1000),
    ...(s.responseUrl ? { r: s.responseUrl } : {}),
  };
  return signToken(key, PURPOSE, claims);
}

/** Slack caps private_metadata at 3,000 characters. */
const MAX_STATE_LENGTH = 3000;

export function verifyEditState(key: string, token: string): EditState | undefined {
  const c = verifySlackToken<StateClaims>(key, PURPOSE, token, MAX_STATE_LENGTH);
  if (
    !hasStringClaims(c, ['d', 'u', 't']) ||
    typeof c.e !== 'number' ||
    !Number.isSafeInteger(c.v) ||
    (c.r !== undefined && typeof c.r !== 'string')
  ) {
    return undefined;
  }
  return {
    draftId: c.d,
    userId: c.u,
    teamId: c.t,
    version: c.v!,
    expiresAt: new Date(c.e * 1000),
    ...(c.r ? { responseUrl: c.r } : {}),
  };
}
