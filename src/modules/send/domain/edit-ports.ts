import type { ValidDraft } from './validate-draft';
import type { Draft, DraftContent } from './types';

/** Edits of a pending draft's content, each a compare-and-set on its version. */
export interface DraftEdits {
  /**
   * Stores `content` (sealed) as the next version of `draft`, in one conditional UPDATE: only while
   * the draft is still pending, unexpired at `at` and at `draft.version`; the version becomes
   * `draft.version + 1` and `edited_at` is `at`. With an event sink, the `email.edited` event is
   * written in the same transaction. The edited draft, or undefined when the draft had moved on
   * (a Send claimed it, it was cancelled or expired, or another edit came first).
   */
  edit(draft: Draft, content: DraftContent, at: Date): Promise<Draft | undefined>;
}

/**
 * The deployment's recipient policy, checked again after an edit exactly as at staging. Throws the
 * policy's error (an AppError whose `details.field` names the field, e.g. `to[1]`) when refused.
 */
export type RecipientCheck = (draft: ValidDraft, from: string) => void;

/** Puts the edited email in place of the preview the person edited from; throws when Slack refused it. */
export type ShowEdited = (
  draft: Draft,
  content: DraftContent,
  responseUrl: string | undefined,
) => Promise<void>;
