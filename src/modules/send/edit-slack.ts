import type { App, BlockButtonAction, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorSummary } from '../../shared/logger';
import { answeringKnownErrors } from '../../shared/slack-answer';
import type { EditDraft, EditResult } from './domain/edit-draft';
import {
  EDIT_ACTION_ID,
  EDIT_CALLBACK_ID,
  editModal,
  editNoticeText,
  refusalView,
  submissionAnswer,
  submittedFields,
} from './edit-blocks';

export interface EditActionDeps {
  edit: EditDraft;
  log: Logger;
}

const FAILED = 'Something went wrong on our side; nothing was changed. Please try again.';

type EditClickArgs = Pick<
  SlackActionMiddlewareArgs<BlockButtonAction>,
  'ack' | 'body' | 'action' | 'respond'
> & { client: App['client'] };

/** Edit on a preview: opens the Edit modal with the click's trigger_id, or tells the clicker why not. */
export const editClick =
  (deps: EditActionDeps) =>
  async ({ ack, body, action, respond, client }: EditClickArgs): Promise<void> => {
    await ack();
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    await answeringKnownErrors(
      async () => {
        const opening = await deps.edit.open({
          teamId: body.team?.id ?? body.user.team_id ?? '',
          userId: body.user.id,
          value: action.value ?? '',
          responseUrl: body.response_url,
        });
        if (opening.kind === 'notice') {
          await tell(editNoticeText(opening.notice, false));
          return;
        }
        await client.views.open({
          trigger_id: body.trigger_id,
          view: editModal(opening.fields, opening.state),
        });
      },
      {
        known: [],
        fallback: FAILED,
        answer: (m) => tell(m.text),
        log: deps.log,
        context: { action: 'edit' },
      },
    );
  };

type EditSubmitArgs = Pick<SlackViewMiddlewareArgs, 'ack' | 'body' | 'view'>;

/** The Edit modal's Save: field errors, a refusal shown in the modal, or the modal closes. */
export const editSubmission =
  (deps: EditActionDeps) =>
  async ({ ack, body, view }: EditSubmitArgs): Promise<void> => {
    let acked = false;
    const answer = async (r: EditResult) => {
      acked = true;
      await ack(submissionAnswer(r));
    };
    try {
      await deps.edit.submit(
        {
          teamId: body.team?.id ?? body.user.team_id ?? '',
          userId: body.user.id,
          state: view.private_metadata,
          fields: submittedFields(view.state.values),
        },
        answer,
      );
    } catch (err) {
      deps.log.error({ err: errorSummary(err), action: 'edit_submit' }, 'slack listener failed');
      if (!acked) await ack({ response_action: 'update', view: refusalView(FAILED) });
    }
  };

export function registerEditActions(app: App, deps: EditActionDeps) {
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: EDIT_ACTION_ID }, editClick(deps));
  app.view({ callback_id: EDIT_CALLBACK_ID, type: 'view_submission' }, editSubmission(deps));
}
