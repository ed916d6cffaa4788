import { randomUUID } from 'node:crypto';
import { eventCallbackPayload } from './envelopes';
import type { Recorder } from './recorder';
import type { Envelope, EnvelopeAck, SlackEmulator, ViewErrorsRecord } from './types';
import { clickInView, closeView, submitView, type ViewInteractionDeps } from './view-interactions';
import type { ViewStore } from './views';
import type { Workspace } from './workspace';

type ViewHelpers = Pick<
  SlackEmulator,
  | 'openHome'
  | 'homeView'
  | 'modals'
  | 'topModal'
  | 'view'
  | 'waitForView'
  | 'clickInView'
  | 'submitView'
  | 'closeView'
  | 'viewErrors'
  | 'issueTriggerId'
  | 'expireTriggerIds'
>;

/** The test-facing side of modals and the Home tab: what a person sees and does in them. */
export function viewHelpers(d: {
  workspace: Workspace;
  views: ViewStore;
  recorder: Recorder;
  nextTs: () => string;
  dispatch: (envelope: Envelope) => Promise<EnvelopeAck>;
  defaultWaitMs: number;
}): ViewHelpers {
  const viewErrors: ViewErrorsRecord[] = [];
  const deps: ViewInteractionDeps = {
    workspace: d.workspace,
    views: d.views,
    dispatch: d.dispatch,
    recordErrors: (r) => {
      viewErrors.push({ ...r, at: new Date() });
      d.recorder.waiters.notify();
    },
  };
  return {
    openHome(userId) {
      const home = d.views.home(userId);
      const event = {
        type: 'app_home_opened',
        user: userId,
        channel: d.workspace.dmFor(userId),
        tab: 'home',
        ...(home ? { view: home } : {}),
      };
      return d.dispatch({
        envelope_id: randomUUID(),
        type: 'events_api',
        payload: eventCallbackPayload(d.workspace, event, {}, d.nextTs),
        accepts_response_payload: false,
        retry_attempt: 0,
        retry_reason: '',
      });
    },
    homeView: (userId) => d.views.home(userId),
    modals: (userId) => d.views.modals(userId),
    topModal: (userId) => d.views.modals(userId).at(-1),
    view: (viewId) => d.views.get(viewId),
    waitForView: (pred, timeoutMs = d.defaultWaitMs) =>
      d.recorder.waiters.until(
        () => d.views.all().find(pred),
        timeoutMs,
        () =>
          `a matching view; open views: ${JSON.stringify(d.views.all().map((v) => [v.id, v.type, v.callback_id]))}`,
      ),
    clickInView: (c) => clickInView(deps, c),
    submitView: (s) => submitView(deps, s),
    closeView: (c) => closeView(deps, c),
    viewErrors,
    issueTriggerId: (userId) => d.views.issueTrigger(userId),
    expireTriggerIds: () => d.views.expireTriggers(),
  };
}
