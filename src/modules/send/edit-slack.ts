import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
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
import { modalClick, modalSubmission } from './modal-slack';

export interface EditActionDeps {
  edit: EditDraft;
  log: Logger;
}

const FAILED = 'Something went wrong on our side; nothing was changed. Please try again.';

/** Edit on a preview: opens the Edit modal with the click's trigger_id, or tells the clicker why not. */
export const editClick = (deps: EditActionDeps) =>
  modalClick({
    open: async (click) => {
      const opening = await deps.edit.open(click);
      return opening.kind === 'notice'
        ? { notice: editNoticeText(opening.notice, false) }
        : { view: editModal(opening.fields, opening.state) };
    },
    failed: FAILED,
    log: deps.log,
    action: 'edit',
  });

/** The Edit modal's Save: field errors, a refusal shown in the modal, or the modal closes. */
export const editSubmission = (deps: EditActionDeps) =>
  modalSubmission<EditResult>({
    submit: ({ view, ...sub }, answer) =>
      deps.edit.submit({ ...sub, fields: submittedFields(view.state.values) }, answer),
    ack: submissionAnswer,
    failedView: refusalView(FAILED),
    log: deps.log,
    action: 'edit_submit',
  });

export function registerEditActions(app: App, deps: EditActionDeps) {
  app.action<BlockButtonAction>({ type: 'block_actions', action_id: EDIT_ACTION_ID }, editClick(deps));
  app.view({ callback_id: EDIT_CALLBACK_ID, type: 'view_submission' }, editSubmission(deps));
}
