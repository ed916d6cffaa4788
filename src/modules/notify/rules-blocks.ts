import type { KnownBlock } from '../../shared/slack-messenger';
import { DAILY_DIGEST_AT } from './domain/quiet-hours';
import {
  CATEGORIES,
  formatClock,
  MAX_SENDERS,
  MAX_SENDERS_CHARS,
  type NotificationRules,
  type RulesField,
  type RulesFieldError,
  type RulesInput,
} from './domain/rules';

export const RULES_ACTION_ID = 'notify_rules_edit';
export const RULES_CALLBACK_ID = 'notification_rules';
const VALUE = 'value';

const CATEGORY_WORDS: Record<string, string> = {
  CATEGORY_PROMOTIONS: 'Promotions',
  CATEGORY_SOCIAL: 'Social',
  CATEGORY_UPDATES: 'Updates',
  CATEGORY_FORUMS: 'Forums',
};
const DELIVERY_WORDS = { each: 'Each email', hourly: 'Hourly digest', daily: 'Daily digest' } as const;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: false });
const option = (value: string, text: string) => ({ text: plain(text), value });

/** The rules modal, prefilled with the current rules; times are in the person's Slack time zone. */
export function rulesModal(r: NotificationRules): Record<string, unknown> {
  const skipped = CATEGORIES.filter((c) => r.skipCategories.includes(c)).map((c) =>
    option(c, CATEGORY_WORDS[c]!),
  );
  const timeInput = (block: RulesField, label: string, minutes: number | undefined, hint: string) => ({
    type: 'input',
    block_id: block,
    optional: true,
    label: plain(label),
    hint: plain(hint),
    element: {
      type: 'plain_text_input',
      action_id: VALUE,
      max_length: 5,
      placeholder: plain('HH:MM'),
      ...(minutes === undefined ? {} : { initial_value: formatClock(minutes) }),
    },
  });
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: 'senders',
      optional: true,
      label: plain('Only from these senders or domains'),
      hint: plain('Addresses or domains, one per line or comma-separated. Empty: every sender.'),
      element: {
        type: 'plain_text_input',
        action_id: VALUE,
        multiline: true,
        max_length: MAX_SENDERS_CHARS,
        ...(r.senders.length ? { initial_value: r.senders.join('\n') } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'skip',
      optional: true,
      label: plain('Skip these Gmail categories'),
      element: {
        type: 'checkboxes',
        action_id: VALUE,
        options: CATEGORIES.map((c) => option(c, CATEGORY_WORDS[c]!)),
        ...(skipped.length ? { initial_options: skipped } : {}),
      },
    },
    timeInput('quiet_start', 'Quiet hours start', r.quiet?.start, 'Leave both empty for no quiet hours.'),
    timeInput('quiet_end', 'Quiet hours end', r.quiet?.end, 'Mail held meanwhile arrives as one digest.'),
    {
      type: 'input',
      block_id: 'delivery',
      label: plain('Delivery'),
      element: {
        type: 'static_select',
        action_id: VALUE,
        options: Object.entries(DELIVERY_WORDS).map(([v, t]) => option(v, t)),
        initial_option: option(r.delivery, DELIVERY_WORDS[r.delivery]),
      },
    },
    {
      type: 'context',
      elements: [
        {
          // plain_text: shown as is, so the zone name needs no escaping (Los_Angeles keeps its underscore).
          type: 'plain_text',
          text: `Times are in your Slack time zone (${r.timeZone.slice(0, 60)}). Hourly digests arrive on the hour, daily digests at ${formatClock(DAILY_DIGEST_AT)}.`,
        },
      ],
    },
  ] as KnownBlock[];
  return {
    type: 'modal',
    callback_id: RULES_CALLBACK_ID,
    title: plain('Notification rules'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
  };
}

type Values = Record<
  string,
  Record<
    string,
    {
      value?: string | null;
      selected_option?: { value: string } | null;
      selected_options?: Array<{ value: string }>;
    }
  >
>;

/** The submitted fields, as typed. */
export function submittedRules(values: Values): RulesInput {
  const v = (block: string) => values[block]?.[VALUE];
  return {
    senders: v('senders')?.value ?? '',
    skipCategories: (v('skip')?.selected_options ?? []).map((o) => o.value),
    quietStart: v('quiet_start')?.value ?? '',
    quietEnd: v('quiet_end')?.value ?? '',
    delivery: v('delivery')?.selected_option?.value ?? '',
  };
}

const ERROR_WORDS = (e: RulesFieldError): string => {
  switch (e.kind) {
    case 'bad_sender':
      return `"${e.entry}" is not an email address or a domain (like ada@example.com or example.com).`;
    case 'too_many_senders':
      return `At most ${MAX_SENDERS} senders or domains.`;
    case 'senders_too_long':
      return `At most ${MAX_SENDERS_CHARS} characters.`;
    case 'bad_time':
      return 'Use a 24-hour time such as 22:00 or 07:30.';
    case 'half_quiet':
      return 'Give both a start and an end, or leave both empty.';
    case 'empty_quiet':
      return 'The end must differ from the start.';
    case 'bad_delivery':
      return 'Choose how notifications are delivered.';
  }
};

/** Slack's `errors` response_action: the words under each field. */
export const fieldErrors = (errors: Partial<Record<RulesField, RulesFieldError>>): Record<string, string> =>
  Object.fromEntries(Object.entries(errors).map(([field, e]) => [field, ERROR_WORDS(e)]));

/** The rules in words, for the App Home (which escapes them). */
export function rulesSummary(r: NotificationRules): string[] {
  const skipped = CATEGORIES.filter((c) => r.skipCategories.includes(c)).map((c) => CATEGORY_WORDS[c]);
  return [
    r.senders.length
      ? `Only from: ${r.senders.slice(0, 5).join(', ')}${r.senders.length > 5 ? ` and ${r.senders.length - 5} more` : ''}`
      : 'From every sender',
    skipped.length ? `Skipping: ${skipped.join(', ')}` : 'No Gmail category skipped',
    r.quiet
      ? `Quiet hours ${formatClock(r.quiet.start)}–${formatClock(r.quiet.end)} (${r.timeZone})`
      : 'No quiet hours',
    `Delivery: ${DELIVERY_WORDS[r.delivery].toLowerCase()}${r.delivery === 'daily' ? ` at ${formatClock(DAILY_DIGEST_AT)}` : ''}`,
  ];
}
