import type { Announcement, MailHeaders } from './types';

/** Labels that mean "not new mail for the owner": their own messages, and Gmail's bulk categories. */
export const SKIPPED_LABELS: readonly string[] = [
  'SENT',
  'DRAFT',
  'SPAM',
  'TRASH',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_SOCIAL',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
];

/** Whether history says a message may deserve a notification (no header fetch needed to rule it out). */
export const isCandidate = (labelIds: readonly string[]): boolean =>
  labelIds.includes('INBOX') && !labelIds.some((l) => SKIPPED_LABELS.includes(l));

/** Longest address looked at (RFC 5321 allows 254; anything past 320 is not a sender address). */
const MAX_ADDRESS = 320;
const isSpace = (c: string) => /\s/.test(c);

/** `local@domain` with something on both sides of an `@`, short enough to be an address. */
const looksLikeAddress = (s: string) => {
  const at = s.indexOf('@', 1);
  return s.length <= MAX_ADDRESS && at > 0 && at < s.length - 1;
};

/**
 * The address inside a From header: `"Ada" <ada@example.com>` → ada@example.com; else the first
 * bare `local@domain` word. One pass over the header (it comes from any sender on the internet, so
 * no backtracking pattern may see it).
 */
export function senderAddress(from: string): string {
  let open = -1;
  let wordStart = 0;
  let bare = '';
  for (let i = 0; i <= from.length; i++) {
    const c = from[i] ?? ' ';
    const delimiter = c === '<' || c === '>' || c === '"' || isSpace(c);
    if (delimiter && !bare && looksLikeAddress(from.slice(wordStart, i))) bare = from.slice(wordStart, i);
    if (delimiter) wordStart = i + 1;
    if (c === '<') open = i;
    else if (c === '>' && open >= 0 && looksLikeAddress(from.slice(open + 1, i)))
      return from.slice(open + 1, i).toLowerCase();
    else if (c === '>' || isSpace(c)) open = -1;
  }
  return bare.toLowerCase();
}

/** A message worth announcing to the owner of `mailboxEmail`. */
export const shouldAnnounce = (mail: MailHeaders, mailboxEmail: string): boolean =>
  isCandidate(mail.labelIds) && senderAddress(mail.from) !== mailboxEmail.toLowerCase();

/** Messages one digest covers at most: its post carries every id in its metadata, so that stays small. */
export const DIGEST_MAX_MESSAGES = 100;

/**
 * One post per message, or a digest when there are more than `threshold`; a larger burst becomes
 * several digests of even size (each still above the threshold).
 */
export function planAnnouncements(mails: MailHeaders[], threshold: number): Announcement[] {
  if (mails.length <= threshold) return mails.map((mail) => ({ kind: 'single', mail }));
  const size = Math.ceil(mails.length / Math.ceil(mails.length / DIGEST_MAX_MESSAGES));
  const digests: Announcement[] = [];
  for (let i = 0; i < mails.length; i += size)
    digests.push({ kind: 'digest', mails: mails.slice(i, i + size) });
  return digests;
}

export const gmailIdsOf = (a: Announcement): string[] =>
  a.kind === 'single' ? [a.mail.id] : a.mails.map((m) => m.id);
