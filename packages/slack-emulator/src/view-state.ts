import { isRecord } from './http-body';
import type { SlackView, ViewValues } from './types';

type Rec = Record<string, unknown>;
type StateValues = SlackView['state']['values'];

/** Input blocks with their element (block_id and action_id as Slack fills them when absent). */
export function inputsOf(blocks: unknown[]): { blockId: string; actionId: string; element: Rec }[] {
  return blocks.flatMap((b, i) =>
    isRecord(b) && b.type === 'input' && isRecord(b.element)
      ? [
          {
            blockId: typeof b.block_id === 'string' ? b.block_id : `input-${i}`,
            actionId: typeof b.element.action_id === 'string' ? b.element.action_id : `action-${i}`,
            element: b.element,
          },
        ]
      : [],
  );
}

const optionsOf = (e: Rec): Rec[] => {
  const flat = Array.isArray(e.options) ? e.options : [];
  const grouped = Array.isArray(e.option_groups)
    ? e.option_groups.flatMap((g) => (isRecord(g) && Array.isArray(g.options) ? g.options : []))
    : [];
  return [...flat, ...grouped].filter(isRecord);
};

/** The state entry an element reports for `value` (undefined = nothing chosen / empty). */
export function elementState(e: Rec, value: string | string[] | undefined): Rec {
  const type = String(e.type);
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const one = list[0];
  const pick = (v: string): Rec =>
    optionsOf(e).find((o) => o.value === v) ?? { text: { type: 'plain_text', text: v }, value: v };
  switch (type) {
    case 'static_select':
    case 'radio_buttons':
    case 'external_select':
      return { type, selected_option: one === undefined ? null : pick(one) };
    case 'multi_static_select':
    case 'checkboxes':
    case 'multi_external_select':
      return { type, selected_options: list.map(pick) };
    case 'users_select':
      return { type, selected_user: one ?? null };
    case 'multi_users_select':
      return { type, selected_users: list };
    case 'conversations_select':
      return { type, selected_conversation: one ?? null };
    case 'channels_select':
      return { type, selected_channel: one ?? null };
    case 'datepicker':
      return { type, selected_date: one ?? null };
    case 'timepicker':
      return { type, selected_time: one ?? null };
    default:
      return { type, value: one ?? null };
  }
}

/** What an element shows before the user touches it (its initial_* field). */
function initialValue(e: Rec): string | string[] | undefined {
  const opt = (o: unknown) => (isRecord(o) && typeof o.value === 'string' ? o.value : undefined);
  if (typeof e.initial_value === 'string') return e.initial_value;
  if (e.initial_option !== undefined) return opt(e.initial_option);
  if (Array.isArray(e.initial_options)) return e.initial_options.map(opt).filter((v) => v !== undefined);
  for (const key of [
    'initial_user',
    'initial_conversation',
    'initial_channel',
    'initial_date',
    'initial_time',
  ])
    if (typeof e[key] === 'string') return e[key];
  if (Array.isArray(e.initial_users)) return e.initial_users as string[];
  return undefined;
}

/**
 * A new view's state: inputs start from their initial values; an update keeps what the user had entered
 * in inputs with the same block_id and action_id (Slack's "preserving input entry").
 */
export function initialState(blocks: unknown[], previous?: SlackView): SlackView['state'] {
  const values: StateValues = {};
  for (const { blockId, actionId, element } of inputsOf(blocks)) {
    const kept = previous?.state.values[blockId]?.[actionId];
    values[blockId] = { [actionId]: kept ?? elementState(element, initialValue(element)) };
  }
  return { values };
}

/** The view's state after the user typed/chose `typed` (other inputs keep their current state). */
export function stateWith(view: SlackView, typed: ViewValues = {}): StateValues {
  const values: StateValues = structuredClone(view.state.values);
  for (const [blockId, actions] of Object.entries(typed)) {
    for (const [actionId, value] of Object.entries(actions)) {
      const input = inputsOf(view.blocks).find((i) => i.blockId === blockId && i.actionId === actionId);
      if (!input) throw new Error(`Slack emulator: view ${view.id} has no input ${blockId}/${actionId}`);
      values[blockId] = { ...values[blockId], [actionId]: elementState(input.element, value) };
    }
  }
  return values;
}
