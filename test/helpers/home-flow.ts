import type { SlackView } from '@mailbridge/slack-emulator';
import { eventually, type Stack } from './stack';

export const HOME_ACTIONS = {
  connect: 'home_connect',
  disconnect: 'home_disconnect',
  on: 'home_notifications_on',
  off: 'home_notifications_off',
} as const;

interface Element {
  type: string;
  action_id?: string;
  value?: string;
  url?: string;
  confirm?: unknown;
}

/** Every button of a view (section accessories and actions elements). */
export const buttonsOf = (view: SlackView): Element[] =>
  (view.blocks as Array<{ accessory?: Element; elements?: Element[] }>).flatMap((b) =>
    [...(b.accessory ? [b.accessory] : []), ...(b.elements ?? [])].filter((e) => e.type === 'button'),
  );

export const buttonOf = (view: SlackView, actionId: string) =>
  buttonsOf(view).find((b) => b.action_id === actionId);

/** The view's text as the person reads it (section texts, one per line). */
export const textOf = (view: SlackView): string =>
  (view.blocks as Array<{ text?: { text: string }; elements?: Array<{ text?: string }> }>)
    .map((b) => b.text?.text ?? (b.elements ?? []).map((e) => e.text ?? '').join(' '))
    .join('\n');

/** views.publish calls made for `userId`. */
export const publishesFor = (stack: Stack, userId: string) =>
  stack.slack.calls.filter((c) => c.method === 'views.publish' && c.args.user_id === userId).length;

/** The Home last published for `userId`, once it satisfies `pred`. */
export const waitForHome = (stack: Stack, userId: string, pred: (v: SlackView) => boolean) =>
  eventually(() => {
    const view = stack.slack.homeView(userId);
    return view && pred(view) ? view : undefined;
  });

/** Opens the Home tab and waits for the Home published in answer (a new publish, however alike). */
export async function openHome(stack: Stack, userId: string): Promise<SlackView> {
  const before = publishesFor(stack, userId);
  await stack.slack.openHome(userId);
  await eventually(() => publishesFor(stack, userId) > before);
  return stack.slack.homeView(userId)!;
}

/** Clicks a Home button of `ownerId`'s Home as `userId` (the owner unless forging), with `value` if given. */
export function clickHome(
  stack: Stack,
  p: { ownerId: string; userId?: string; actionId: string; value?: string },
) {
  const view = stack.slack.homeView(p.ownerId)!;
  return stack.slack.clickInView({
    userId: p.userId ?? p.ownerId,
    viewId: view.id,
    actionId: p.actionId,
    value: p.value ?? buttonOf(view, p.actionId)?.value,
  });
}
