import type { Clock } from '../../../shared/clock';
import { isAppError } from '../../../shared/errors';
import type { ClickNotice } from './confirm-click';
import { aboutDraft, type RecordDecision } from './decisions';
import { editFields, editRequest, signEditState, verifyEditState, type EditFields } from './edit-form';
import type { DraftEdits, RecipientCheck, ShowEdited } from './edit-ports';
import { ownedButton } from './owned-button';
import type { DraftStore, EventLog } from './ports';
import type { Draft, DraftContent } from './types';
import { validateDraft } from './validate-draft';

/** Why an Edit is not opened or not stored (the modal or the clicker is told; nothing changes). */
export type EditNotice = Exclude<ClickNotice, { reason: 'review_required' }> | { reason: 'too_large' };

export interface EditClick {
  teamId: string;
  userId: string;
  value: string;
  responseUrl?: string;
}

export type EditOpening =
  { kind: 'open'; fields: EditFields; state: string } | { kind: 'notice'; notice: EditNotice };

export interface EditSubmission {
  teamId: string;
  userId: string;
  /** The modal's private_metadata: the signed EditState. */
  state: string;
  fields: EditFields;
}

export type EditField = 'to' | 'cc' | 'bcc' | 'subject' | 'body';

export type EditResult =
  | { kind: 'edited'; draft: Draft; content: DraftContent; responseUrl?: string }
  | { kind: 'invalid'; field: EditField; message: string }
  | { kind: 'refused'; notice: EditNotice };

export interface EditDeps {
  drafts: Pick<DraftStore, 'findById' | 'openContent'>;
  edits: DraftEdits;
  clock: Clock;
  signingKey: string;
  checkRecipients: RecipientCheck;
  showEdited: ShowEdited;
  record: RecordDecision;
  log: EventLog;
}

const FIELD = /^(to|cc|bcc|subject|body)(?:\[(\d+)\])?/;

/** A validation or policy error on the field it names; any other failure is not the person's to fix. */
function invalidField(err: unknown): Extract<EditResult, { kind: 'invalid' }> {
  const field = isAppError(err) && typeof err.details?.field === 'string' && FIELD.exec(err.details.field);
  if (!field || !isAppError(err)) throw err;
  const message = err.message.replace(/^(to|cc|bcc)\[\d+\]: /, '');
  return {
    kind: 'invalid',
    field: field[1] as EditField,
    message: field[2] !== undefined ? `Recipient ${Number(field[2]) + 1}: ${message}` : message,
  };
}

/**
 * Edit before Send: the owner opens the pending draft's content in a modal and stores a new version.
 * Every store is a compare-and-set on the version the modal was opened with, and a Send claims only
 * the version its preview showed, so of an edit and a Send racing exactly one wins.
 */
export function createEditDraft(deps: EditDeps) {
  const notice = (n: EditNotice) => ({ kind: 'notice' as const, notice: n });
  const refused = (n: EditNotice): EditResult => ({ kind: 'refused', notice: n });

  async function denied(teamId: string, userId: string, draftId: string) {
    await deps.record({ teamId, userId, draftId, result: 'denied', reason: 'not_owner' });
  }

  /** Why a draft cannot be edited now (undefined: it can). */
  function blocked(draft: Draft | undefined, userId: string, now: Date): EditNotice | undefined {
    if (!draft || draft.userId !== userId) return { reason: 'missing' };
    if (draft.status !== 'pending') return { reason: 'already', status: draft.status };
    if (draft.expiresAt <= now) return { reason: 'already', status: 'expired' };
    return undefined;
  }

  /** The Edit click: the modal's fields and signed state, or why it does not open. */
  async function open(click: EditClick): Promise<EditOpening> {
    const now = deps.clock.now();
    const check = await ownedButton(deps, click, 'edit', now);
    if (!check.ok) return notice(check.notice);
    const { value } = check;
    const draft = await deps.drafts.findById(value.draftId);
    const why = check.expired
      ? { reason: 'already' as const, status: 'expired' as const }
      : blocked(draft, click.userId, now);
    if (why || !draft) return notice(why ?? { reason: 'missing' });
    let content: DraftContent;
    try {
      content = deps.drafts.openContent(draft);
    } catch {
      return notice({ reason: 'missing' });
    }
    const fields = editFields(content);
    if (!fields) return notice({ reason: 'too_large' });
    // The modal shows the draft's current version, whatever version the clicked preview showed.
    const state = signEditState(deps.signingKey, {
      draftId: draft.id,
      userId: draft.userId,
      teamId: draft.teamId,
      version: draft.version,
      expiresAt: draft.expiresAt,
      ...(click.responseUrl ? { responseUrl: click.responseUrl } : {}),
    });
    return { kind: 'open', fields, state };
  }

  async function store(sub: EditSubmission): Promise<EditResult> {
    const state = verifyEditState(deps.signingKey, sub.state);
    if (!state) return refused({ reason: 'invalid' });
    if (state.userId !== sub.userId || state.teamId !== sub.teamId) {
      await denied(sub.teamId, sub.userId, state.draftId);
      return refused({ reason: 'not_owner', ownerId: state.userId });
    }
    const now = deps.clock.now();
    const draft = await deps.drafts.findById(state.draftId);
    const why = blocked(draft, sub.userId, now);
    if (why || !draft) return refused(why ?? { reason: 'missing' });
    if (draft.version !== state.version) return refused({ reason: 'stale' });
    let next: DraftContent;
    try {
      const valid = validateDraft(editRequest(sub.fields));
      const current = deps.drafts.openContent(draft);
      deps.checkRecipients(valid, current.from);
      next = { ...current, ...valid };
    } catch (err) {
      return invalidField(err);
    }
    const edited = await deps.edits.edit(draft, next, now);
    if (!edited) {
      const current = await deps.drafts.findById(draft.id);
      return refused(blocked(current, sub.userId, deps.clock.now()) ?? { reason: 'stale' });
    }
    await deps.record({
      ...aboutDraft(edited),
      result: 'edited',
      reason: `version_${edited.version}`,
      content: next,
    });
    return { kind: 'edited', draft: edited, content: next, responseUrl: state.responseUrl };
  }

  /**
   * The modal's submission: `answer` tells the modal (errors on a field, a refusal, or close) before
   * the preview is replaced by the edited email; that replacement is best effort and only logged
   * (the old preview's Send is refused as stale, and Edit opens the new version).
   */
  async function submit(sub: EditSubmission, answer: (r: EditResult) => Promise<void>): Promise<void> {
    const result = await store(sub);
    await answer(result);
    if (result.kind !== 'edited') return;
    await deps
      .showEdited(result.draft, result.content, result.responseUrl)
      .catch((err: unknown) =>
        deps.log.warn(
          { draftId: result.draft.id, err: { message: err instanceof Error ? err.message : String(err) } },
          'could not show the edited email',
        ),
      );
  }

  return { open, submit };
}

export type EditDraft = ReturnType<typeof createEditDraft>;
