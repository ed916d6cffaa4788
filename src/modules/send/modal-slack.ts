import type {
  App,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  types,
  ViewResponseAction,
} from '@slack/bolt';
import type { Logger } from 'pino';
import { errorSummary } from '../../shared/logger';
import { answeringKnownErrors } from '../../shared/slack-answer';

/** Who clicked a preview's button, and its signed value. */
export interface ModalClick {
  teamId: string;
  userId: string;
  value: string;
  responseUrl: string;
}

export interface ModalClickSpec {
  /** The modal to open, or the words that tell the clicker why not. */
  open(click: ModalClick): Promise<{ view: types.ModalView } | { notice: string }>;
  /** What the clicker reads when something fails on our side. */
  failed: string;
  log: Logger;
  /** The log's `action` when the click fails. */
  action: string;
}

type ClickArgs = Pick<SlackActionMiddlewareArgs<BlockButtonAction>, 'ack' | 'body' | 'action' | 'respond'> & {
  client: App['client'];
};

/** A preview's button that opens a modal with the click's trigger_id, or tells the clicker why not. */
export const modalClick =
  (spec: ModalClickSpec) =>
  async ({ ack, body, action, respond, client }: ClickArgs): Promise<void> => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    await answeringKnownErrors(
      async () => {
        const opening = await spec.open({
          teamId: body.team?.id ?? body.user.team_id ?? '',
          userId: body.user.id,
          value: action.value ?? '',
          responseUrl: body.response_url,
        });
        if ('notice' in opening) {
          await tell(opening.notice);
          return;
        }
        await client.views.open({ trigger_id: body.trigger_id, view: opening.view });
      },
      {
        known: [],
        fallback: spec.failed,
        answer: (m) => tell(m.text),
        log: spec.log,
        context: { action: spec.action },
      },
    );
  };

type SubmitArgs = Pick<SlackViewMiddlewareArgs, 'ack' | 'body' | 'view'>;

/** Who submitted the modal, its signed state, and the view as submitted. */
export interface ModalSubmission {
  teamId: string;
  userId: string;
  state: string;
  view: SubmitArgs['view'];
}

export interface ModalSubmitSpec<R> {
  /** Decides the submission; calls `answer` once it is decided (Slack wants the ack within 3 s). */
  submit(sub: ModalSubmission, answer: (r: R) => Promise<void>): Promise<void>;
  /** The ack for a decided submission. */
  ack(r: R): ViewResponseAction | undefined;
  /** The modal that says something failed on our side. */
  failedView: types.ModalView;
  log: Logger;
  /** The log's `action` when the submission fails. */
  action: string;
}

/** A modal's submission: acked with its answer, or with the failure view when it throws before an answer. */
export const modalSubmission =
  <R>(spec: ModalSubmitSpec<R>) =>
  async ({ ack, body, view }: SubmitArgs): Promise<void> => {
    let acked = false;
    const answer = async (r: R) => {
      acked = true;
      await ack(spec.ack(r));
    };
    try {
      await spec.submit(
        {
          teamId: body.team?.id ?? body.user.team_id ?? '',
          userId: body.user.id,
          state: view.private_metadata,
          view,
        },
        answer,
      );
    } catch (err) {
      spec.log.error({ err: errorSummary(err), action: spec.action }, 'slack listener failed');
      if (!acked) await ack({ response_action: 'update', view: spec.failedView });
    }
  };
