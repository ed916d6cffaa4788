/** The shape of one row of the connect pages' answer table (`oauth-errors.ts`) and its builder. */

export const AGAIN = 'Run <code>/ai-email-connect</code> in Slack to get a new link and code.';

export type Details = Readonly<Record<string, unknown>> | undefined;
/** Words for the page; a function when they depend on the failure's details. */
export type Words = string | ((details: Details) => string);

export type PageAnswer =
  /** The person's to fix: their page, always with a next step (the generic one unless the row has its own). */
  | { show: 'page'; status: number; message: Words; look?: { title: string; next: string } }
  /** A wrong code: the start page again with the words as its alert, so the person can retry in place. */
  | { show: 'start page'; status: number; message: Words }
  /** Not the person's to fix: the generic page, nothing of the cause. */
  | { show: 'ours'; status: number };

export const page = (status: number, message: Words, title?: string, next?: string): PageAnswer => ({
  show: 'page',
  status,
  message,
  look: title && next ? { title, next } : undefined,
});
