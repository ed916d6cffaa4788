import { randomUUID } from 'node:crypto';
import { isRecord } from './http-body';
import { randomHex } from './ids';
import type {
  Envelope,
  EnvelopeAck,
  SlackView,
  ViewClickInput,
  ViewCloseInput,
  ViewSubmissionResult,
  ViewSubmitInput,
} from './types';
import { elementState, stateWith } from './view-state';
import { viewProblems } from './view-validation';
import type { ViewStore } from './views';
import type { Workspace } from './workspace';

const VERIFICATION_TOKEN = 'emulator-verification-token';

export interface ViewInteractionDeps {
  workspace: Workspace;
  views: ViewStore;
  dispatch: (envelope: Envelope) => Promise<EnvelopeAck>;
  /** Errors a view_submission ack returned, kept for tests. */
  recordErrors: (r: { viewId: string; userId: string; errors: Record<string, string> }) => void;
}

type Rec = Record<string, unknown>;

function interactive(payload: Rec): Envelope {
  return { envelope_id: randomUUID(), type: 'interactive', payload, accepts_response_payload: true };
}

/** Fields every interaction payload carries. */
function common(w: Workspace, userId: string): Rec {
  const name = w.users.get(userId)?.name ?? userId.toLowerCase();
  return {
    team: { id: w.teamId, domain: w.domain },
    user: { id: userId, username: name, name, team_id: w.teamId },
    api_app_id: w.appId,
    token: VERIFICATION_TOKEN,
    enterprise: null,
    is_enterprise_install: false,
  };
}

/** The element with `actionId` anywhere in the view (actions elements, accessories, inputs). */
function findElement(
  view: SlackView,
  actionId: string,
  blockId?: string,
): { blockId: string; element: Rec } | undefined {
  for (const block of view.blocks) {
    if (!isRecord(block)) continue;
    if (blockId !== undefined && block.block_id !== blockId) continue;
    const candidates = [
      ...(Array.isArray(block.elements) ? block.elements : []),
      block.accessory,
      block.element,
    ].filter(isRecord);
    const element = candidates.find((e) => e.action_id === actionId);
    if (element)
      return { blockId: typeof block.block_id === 'string' ? block.block_id : randomHex(4), element };
  }
  return undefined;
}

/**
 * The view a user acts on: `viewId`, or the user's top modal. Any open view is accepted, another person's
 * too, so tests can play a forged click; submitting is narrower (see `submitView`).
 */
export function viewTarget(deps: ViewInteractionDeps, userId: string, viewId?: string): SlackView {
  const view = viewId ? deps.views.get(viewId) : deps.views.modals(userId).at(-1);
  if (!view) throw new Error(`Slack emulator: ${userId} has no open view ${viewId ?? '(no modal open)'}`);
  return view;
}

/** Slack sends view_submission only for a modal open in the submitting user's own stack. */
function submittable(deps: ViewInteractionDeps, userId: string, viewId?: string): SlackView {
  const view = viewTarget(deps, userId, viewId);
  if (view.type !== 'modal')
    throw new Error(`Slack emulator: view ${view.id} is a ${view.type} view; only modals are submitted`);
  if (!deps.views.modals(userId).some((v) => v.id === view.id))
    throw new Error(
      `Slack emulator: view ${view.id} is not a modal ${userId} has open; only its viewer submits it`,
    );
  return view;
}

/**
 * A `response_action: errors` ack as Slack checks it: an object whose keys are block_ids of input blocks of
 * the view and whose values are messages; anything else is refused (Slack shows the person a generic failure).
 */
function ackErrors(view: SlackView, ack: EnvelopeAck): Record<string, string> {
  const errors = ack.payload?.errors;
  if (!isRecord(errors) || Object.keys(errors).length === 0)
    throw new Error('Slack emulator: response_action errors without an errors object');
  const inputs = new Set(
    view.blocks.filter((b) => isRecord(b) && b.type === 'input').map((b) => (b as Rec).block_id),
  );
  const bad = Object.entries(errors).filter(
    ([key, message]) => !inputs.has(key) || typeof message !== 'string',
  );
  if (bad.length > 0)
    throw new Error(
      `Slack emulator: response_action errors names ${bad.map(([k]) => JSON.stringify(k)).join(', ')}, ` +
        `not the block_id of an input block of the view (inputs: ${[...inputs].join(', ') || 'none'})`,
    );
  return errors as Record<string, string>;
}

const RESPONSE_ACTIONS = new Set(['errors', 'update', 'push', 'clear']);

/** A click (or pick) on an interactive element inside a modal or the Home tab. */
export function clickInView(deps: ViewInteractionDeps, c: ViewClickInput): Promise<EnvelopeAck> {
  const view = viewTarget(deps, c.userId, c.viewId);
  const found = findElement(view, c.actionId, c.blockId);
  if (!found) throw new Error(`Slack emulator: view ${view.id} has no element ${c.actionId}`);
  const { element } = found;
  const action: Rec =
    element.type === 'button' || element.type === undefined
      ? {
          type: 'button',
          text: element.text ?? { type: 'plain_text', text: c.actionId },
          value: c.value ?? element.value,
        }
      : elementState(element, c.value);
  const payload = {
    type: 'block_actions',
    ...common(deps.workspace, c.userId),
    container: { type: 'view', view_id: view.id },
    trigger_id: deps.views.issueTrigger(c.userId),
    view,
    actions: [
      { ...action, action_id: c.actionId, block_id: found.blockId, action_ts: `${Date.now() / 1000}` },
    ],
  };
  return deps.dispatch(interactive(payload));
}

function ackView(ack: EnvelopeAck): Rec {
  const view = ack.payload?.view;
  const problems = viewProblems(view, 'modal');
  if (problems.length > 0)
    throw new Error(`Slack emulator: the view_submission ack's view is invalid: ${problems.join('; ')}`);
  return view as Rec;
}

/** The user presses the modal's submit button; the ack's response_action is applied as Slack does. */
export async function submitView(
  deps: ViewInteractionDeps,
  s: ViewSubmitInput,
): Promise<ViewSubmissionResult> {
  const view = submittable(deps, s.userId, s.viewId);
  view.state = { values: stateWith(view, s.values) };
  const payload = {
    type: 'view_submission',
    ...common(deps.workspace, s.userId),
    trigger_id: deps.views.issueTrigger(s.userId),
    view,
    response_urls: [],
  };
  const ack = await deps.dispatch(interactive(payload));
  const action = ack.payload?.response_action;
  if (action !== undefined && !RESPONSE_ACTIONS.has(action as string))
    throw new Error(
      `Slack emulator: unknown response_action ${JSON.stringify(action)} in the view_submission ack`,
    );
  const result = (
    responseAction?: ViewSubmissionResult['responseAction'],
    errors?: Record<string, string>,
  ) => ({
    ack,
    ...(responseAction ? { responseAction } : {}),
    ...(errors ? { errors } : {}),
    modals: deps.views.modals(s.userId),
  });
  if (action === 'errors') {
    const errors = ackErrors(view, ack);
    deps.recordErrors({ viewId: view.id, userId: s.userId, errors });
    return result('errors', errors);
  }
  if (action === 'update') {
    deps.views.replace(view, ackView(ack));
    return result('update');
  }
  if (action === 'push') {
    if (!deps.views.pushFor(s.userId, ackView(ack)))
      throw new Error('Slack emulator: response_action push past the stack limit (push_limit_reached)');
    return result('push');
  }
  if (action === 'clear') {
    deps.views.closeStack(s.userId);
    return result('clear');
  }
  deps.views.popTop(s.userId);
  return result();
}

/**
 * The user presses the modal's close button: the top view closes (back to the one below), or the whole
 * stack when the view has `clear_on_close`; view_closed goes out when the view has `notify_on_close`.
 */
export async function closeView(
  deps: ViewInteractionDeps,
  c: ViewCloseInput,
): Promise<EnvelopeAck | undefined> {
  const view = viewTarget(deps, c.userId, c.viewId);
  const isCleared = view.clear_on_close;
  if (isCleared) deps.views.closeStack(c.userId);
  else deps.views.popTop(c.userId);
  if (!view.notify_on_close) return undefined;
  const payload = { type: 'view_closed', ...common(deps.workspace, c.userId), view, is_cleared: isCleared };
  return deps.dispatch(interactive(payload));
}
