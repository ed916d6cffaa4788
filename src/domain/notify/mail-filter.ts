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

/** The address inside a From header: `"Ada" <ada@example.com>` → ada@example.com. */
export function senderAddress(from: string): string {
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1];
  const bare = angle ?? /[^\s<>"]+@[^\s<>"]+/.exec(from)?.[0] ?? '';
  return bare.toLowerCase();
}

/** A message worth announcing to the owner of `mailboxEmail`. */
export const shouldAnnounce = (mail: MailHeaders, mailboxEmail: string): boolean =>
  isCandidate(mail.labelIds) && senderAddress(mail.from) !== mailboxEmail.toLowerCase();

/** One post per message, or a single digest when there are more than `threshold`. */
export function planAnnouncements(mails: MailHeaders[], threshold: number): Announcement[] {
  if (mails.length > threshold) return [{ kind: 'digest', mails }];
  return mails.map((mail) => ({ kind: 'single', mail }));
}

export const gmailIdsOf = (a: Announcement): string[] =>
  a.kind === 'single' ? [a.mail.id] : a.mails.map((m) => m.id);
