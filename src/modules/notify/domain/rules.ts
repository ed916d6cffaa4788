import { senderAddress } from './mail-filter';
import type { MailHeaders } from './types';
import type { Delivery, QuietHours } from './quiet-hours';

/** Gmail's bulk categories a person may choose to skip (labelIds of messages.get). */
export const CATEGORIES = [
  'CATEGORY_PROMOTIONS',
  'CATEGORY_SOCIAL',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
] as const;

export const DELIVERIES: readonly Delivery[] = ['each', 'hourly', 'daily'];

/** Never new mail for the owner, whatever the rules: their own messages, spam and trash. */
const ALWAYS_SKIPPED = ['SENT', 'DRAFT', 'SPAM', 'TRASH'];

/** Senders and domains one person may list. */
export const MAX_SENDERS = 50;
/** The senders field's length (the modal's `max_length`: saved rules must always fit back in). */
export const MAX_SENDERS_CHARS = 3000;

export interface NotificationRules {
  /** Addresses (`ada@example.com`) and domains (`example.com`, subdomains included); empty = everyone. */
  senders: string[];
  skipCategories: string[];
  quiet: QuietHours | null;
  delivery: Delivery;
  /** The person's Slack time zone when the rules were last saved or used. */
  timeZone: string;
}

/** Without saved rules: every sender, Gmail's categories skipped, no quiet hours, each email at once. */
export const DEFAULT_RULES: NotificationRules = {
  senders: [],
  skipCategories: [...CATEGORIES],
  quiet: null,
  delivery: 'each',
  timeZone: 'UTC',
};

/** Whether a message with these labels may be announced under the rules (history needs no headers). */
export const isCandidateUnder =
  (rules: Pick<NotificationRules, 'skipCategories'>) =>
  (labelIds: readonly string[]): boolean =>
    labelIds.includes('INBOX') &&
    !labelIds.some((l) => ALWAYS_SKIPPED.includes(l) || rules.skipCategories.includes(l));

/** Whether the sender is one the rules announce. */
export function senderAllowed(rules: Pick<NotificationRules, 'senders'>, from: string): boolean {
  if (rules.senders.length === 0) return true;
  const address = senderAddress(from);
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return rules.senders.some((s) =>
    s.includes('@') ? s === address : domain === s || domain.endsWith(`.${s}`),
  );
}

/** A message the rules announce (labels and sender); other mail is skipped for good. */
export const announcedUnder = (rules: NotificationRules, mail: MailHeaders): boolean =>
  isCandidateUnder(rules)(mail.labelIds) && senderAllowed(rules, mail.from);

export type RulesField = 'senders' | 'quiet_start' | 'quiet_end' | 'delivery';
export type RulesFieldError =
  | { kind: 'bad_sender'; entry: string }
  | { kind: 'too_many_senders' }
  | { kind: 'senders_too_long' }
  | { kind: 'bad_time' }
  | { kind: 'half_quiet' }
  | { kind: 'empty_quiet' }
  | { kind: 'bad_delivery' };

export interface RulesInput {
  senders: string;
  skipCategories: string[];
  quietStart: string;
  quietEnd: string;
  delivery: string;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/;
const isDomain = (d: string) => {
  const labels = d.split('.');
  return (
    d.length <= 253 &&
    labels.length >= 2 &&
    labels.every((l) => LABEL.test(l)) &&
    /[a-z]/.test(labels.at(-1)!)
  );
};
const isSenderEntry = (e: string) => {
  const at = e.lastIndexOf('@');
  if (at < 0) return isDomain(e);
  return e.length <= 320 && LOCAL.test(e.slice(0, at)) && isDomain(e.slice(at + 1));
};

/** `HH:MM` (24 h) → minutes after midnight; undefined when malformed. */
export function parseClock(s: string): number | undefined {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(s.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export const formatClock = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The modal's fields as rules (time zone set by the caller), or an error per field. */
export function parseRules(
  input: RulesInput,
): { ok: Omit<NotificationRules, 'timeZone'> } | { errors: Partial<Record<RulesField, RulesFieldError>> } {
  const errors: Partial<Record<RulesField, RulesFieldError>> = {};
  const entries = [
    ...new Set(
      input.senders
        .split(/[\s,;]+/)
        .map((e) => e.trim().toLowerCase().replace(/^@/, ''))
        .filter(Boolean),
    ),
  ];
  const bad = entries.find((e) => !isSenderEntry(e));
  if (bad !== undefined) errors.senders = { kind: 'bad_sender', entry: bad.slice(0, 80) };
  else if (entries.length > MAX_SENDERS) errors.senders = { kind: 'too_many_senders' };
  else if (input.senders.length > MAX_SENDERS_CHARS || entries.join('\n').length > MAX_SENDERS_CHARS)
    errors.senders = { kind: 'senders_too_long' };
  const start = input.quietStart.trim() ? parseClock(input.quietStart) : null;
  const end = input.quietEnd.trim() ? parseClock(input.quietEnd) : null;
  if (start === undefined) errors.quiet_start = { kind: 'bad_time' };
  if (end === undefined) errors.quiet_end = { kind: 'bad_time' };
  if (start !== undefined && end !== undefined) {
    if ((start === null) !== (end === null))
      errors[start === null ? 'quiet_start' : 'quiet_end'] = { kind: 'half_quiet' };
    else if (start !== null && start === end) errors.quiet_end = { kind: 'empty_quiet' };
  }
  const delivery = DELIVERIES.find((d) => d === input.delivery);
  if (!delivery) errors.delivery = { kind: 'bad_delivery' };
  if (Object.keys(errors).length > 0) return { errors };
  return {
    ok: {
      senders: entries,
      skipCategories: CATEGORIES.filter((c) => input.skipCategories.includes(c)),
      quiet: start != null && end != null ? { start, end } : null,
      delivery: delivery!,
    },
  };
}
