import type { EnvelopeAck } from './types';

/** A view as Slack returns it (views.* answers, interaction payloads' `view`). */
export interface SlackView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  title?: Record<string, unknown>;
  submit: Record<string, unknown> | null;
  close: Record<string, unknown> | null;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  /** {block_id: {action_id: element state}} of the view's input blocks. */
  state: { values: Record<string, Record<string, Record<string, unknown>>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  external_id: string;
  root_view_id: string | null;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

/** What a test typed in a view: {block_id: {action_id: value}}; string[] for multi-selects and checkboxes. */
export type ViewValues = Record<string, Record<string, string | string[]>>;

export interface ViewClickInput {
  userId: string;
  /** Default: the user's top modal. A Home view needs its id (`homeView(userId).id`). */
  viewId?: string;
  actionId: string;
  /** A button's value (default: the element's own) or the option value picked in a select. */
  value?: string;
  blockId?: string;
}

export interface ViewSubmitInput {
  userId: string;
  /** Default: the user's top modal. */
  viewId?: string;
  /** Inputs not named keep their current value (initial value or what an update preserved). */
  values?: ViewValues;
}

export interface ViewCloseInput {
  userId: string;
  viewId?: string;
}

/** What the app's ack to a view_submission did. */
export interface ViewSubmissionResult {
  ack: EnvelopeAck;
  /** The ack's response_action; absent for a plain ack (the top modal closed). */
  responseAction?: 'errors' | 'update' | 'push' | 'clear';
  /** For `errors`: {block_id: message}; the modal stays open. */
  errors?: Record<string, string>;
  /** The user's modal stack after the ack was applied, bottom first. */
  modals: SlackView[];
}

/** Errors a view_submission ack showed in a modal. */
export interface ViewErrorsRecord {
  viewId: string;
  userId: string;
  errors: Record<string, string>;
  at: Date;
}
