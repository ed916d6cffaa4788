import type { types } from '@slack/bolt';
import { escapeMrkdwn } from '../../shared/mrkdwn';
import type { EditNotice, EditResult } from './domain/edit-draft';
import { INPUT_MAX_CHARS, type EditFields } from './domain/edit-form';
import { MAX_SUBJECT_LENGTH } from './domain/validate-draft';
import { noticeModal, plain } from './review-blocks';
import type { DraftStatus } from './domain/types';

export const EDIT_ACTION_ID = 'send_email_edit';
export const EDIT_CALLBACK_ID = 'send_email_edit';
/** Each input's action_id; its block_id names the field (`edit_to`, …, `edit_body_<n>`). */
const VALUE = 'value';
const BODY_BLOCK = 'edit_body_';

type ModalView = types.ModalView;
type Button = types.Button;

/** The owner's Edit button beside Send and Cancel (none when the preview has no edit value). */
export const editButtons = (value: string | undefined): Button[] =>
  value
    ? [{ type: 'button', action_id: EDIT_ACTION_ID, text: { type: 'plain_text', text: 'Edit' }, value }]
    : [];

function input(
  blockId: string,
  label: string,
  value: string,
  o: { optional: boolean; max: number; hint?: string },
) {
  return {
    type: 'input' as const,
    block_id: blockId,
    label: plain(label),
    optional: o.optional,
    ...(o.hint ? { hint: plain(o.hint) } : {}),
    element: {
      type: 'plain_text_input' as const,
      action_id: VALUE,
      multiline: blockId !== 'edit_subject',
      max_length: o.max,
      ...(value ? { initial_value: value } : {}),
    },
  };
}

const ADDRESS_HINT = 'One address a line (or separated by commas), e.g. Ann Lee <ann@example.com>.';

/**
 * The Edit modal, prefilled with the email as it stands. A body longer than one input (3,000
 * characters) is edited in consecutive parts, joined by a line break when saved.
 */
export function editModal(fields: EditFields, state: string): ModalView {
  const parts = fields.body.length;
  return {
    type: 'modal',
    callback_id: EDIT_CALLBACK_ID,
    private_metadata: state,
    title: plain('Edit email'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'context',
        elements: [
          plain('Saving replaces the preview with your version; nothing is sent until you click Send.'),
        ],
      },
      input('edit_to', 'To', fields.to, { optional: false, max: INPUT_MAX_CHARS, hint: ADDRESS_HINT }),
      input('edit_cc', 'Cc', fields.cc, { optional: true, max: INPUT_MAX_CHARS }),
      input('edit_bcc', 'Bcc', fields.bcc, { optional: true, max: INPUT_MAX_CHARS }),
      input('edit_subject', 'Subject', fields.subject, { optional: true, max: MAX_SUBJECT_LENGTH }),
      ...fields.body.map((part, i) =>
        input(`${BODY_BLOCK}${i}`, parts > 1 ? `Body, part ${i + 1} of ${parts}` : 'Body', part, {
          optional: true,
          max: INPUT_MAX_CHARS,
          ...(parts > 1 && i === 0 ? { hint: 'The parts are joined by a line break.' } : {}),
        }),
      ),
    ],
  };
}

type StateValues = Record<string, Record<string, { value?: string | null }>>;

/** The submitted fields, read from the view's state by block_id (a missing input reads as empty). */
export function submittedFields(values: StateValues): EditFields {
  const text = (blockId: string) => values[blockId]?.[VALUE]?.value ?? '';
  const body = Object.keys(values)
    .filter((id) => id.startsWith(BODY_BLOCK) && /^\d{1,3}$/.test(id.slice(BODY_BLOCK.length)))
    .sort((a, b) => Number(a.slice(BODY_BLOCK.length)) - Number(b.slice(BODY_BLOCK.length)))
    .map(text);
  return {
    to: text('edit_to'),
    cc: text('edit_cc'),
    bcc: text('edit_bcc'),
    subject: text('edit_subject'),
    body,
  };
}

const NOT_EDITABLE: Partial<Record<DraftStatus, string>> = {
  sending: 'Send was already clicked for this email, so it can no longer be edited.',
  attempting: 'Send was already clicked for this email, so it can no longer be edited.',
  sent: 'This email was already sent, so it can no longer be edited.',
  cancelled: 'This email was cancelled; it can no longer be edited.',
  expired:
    'This email expired; it can no longer be edited. Ask the assistant again if you still want to send it.',
};

/** Why an Edit did not open, or a save was refused; `saving` adds that the changes were not kept. */
export function editNoticeText(n: EditNotice, saving: boolean): string {
  const kept = saving ? ' Your changes were not saved.' : '';
  switch (n.reason) {
    case 'invalid':
      return `This form is not valid (it may have been tampered with).${kept}`;
    case 'missing':
      return `This email no longer exists.${kept}`;
    case 'not_owner':
      return `Only <@${escapeMrkdwn(n.ownerId)}> can edit this email.${kept}`;
    case 'already':
      return `${NOT_EDITABLE[n.status] ?? 'This email can no longer be edited.'}${kept}`;
    case 'stale':
      return `This email was changed in the meantime.${kept} Click Edit on the current preview to start from its version.`;
    case 'too_large':
      return 'This email has more recipients or text than a Slack form can show whole; ask the assistant to change it.';
    case 'rate_limited':
      return `Please try again later.${kept}`;
  }
}

/** The answer to a modal's submission: errors on the field, a refusal in the modal, or close it. */
export function submissionAnswer(r: EditResult) {
  switch (r.kind) {
    case 'edited':
      return undefined;
    case 'invalid':
      return {
        response_action: 'errors' as const,
        errors: { [r.field === 'body' ? `${BODY_BLOCK}0` : `edit_${r.field}`]: r.message.slice(0, 2000) },
      };
    case 'refused':
      return { response_action: 'update' as const, view: refusalView(editNoticeText(r.notice, true)) };
  }
}

export const refusalView = (text: string): ModalView => noticeModal(EDIT_CALLBACK_ID, 'Edit email', text);
