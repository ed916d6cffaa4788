import type { NotifyErrorCode } from './errors';

/** Health of a mailbox's Gmail push, as shown by /ai-email-status and /ai-email-notifications status. */
export type MailboxState = 'ok' | 'lapsed' | 'error' | 'backfilled';

export interface MailboxRecord {
  id: string;
  connectionId: string;
  teamId: string;
  userId: string;
  email: string;
  enabled: boolean;
  /** The history cursor: everything up to it has been announced (or deliberately skipped). */
  historyId: bigint | null;
  watchExpiresAt: Date | null;
  state: MailboxState;
  stateReason: string | null;
  lastPushAt: Date | null;
  /** The time up to which the inbox is known to be synced (set on enable and after every sync). */
  lastSyncAt: Date | null;
  lastNotifiedAt: Date | null;
  lapseNotifiedAt: Date | null;
}

export interface MailboxOwner {
  id: string;
  teamId: string;
  userId: string;
  email: string;
}

export interface HistoryPage {
  messages: Array<{ id: string; labelIds: string[] }>;
  nextPageToken?: string;
  /** The mailbox's current history id when the page was served. */
  historyId: string;
}

export interface MailHeaders {
  id: string;
  threadId: string;
  labelIds: string[];
  from: string;
  subject: string;
  /** Gmail's internalDate: when the message reached the mailbox. */
  receivedAt: Date;
}

/** One Slack post about new mail: a message of its own, or a digest of many. */
export type Announcement =
  | { kind: 'single'; mail: MailHeaders }
  /** `allLines`: every email listed with its link (held mail), not only the newest few. */
  | { kind: 'digest'; mails: MailHeaders[]; allLines?: boolean };

/**
 * What is known of a failure: notify's code and Google's or Slack's reason, or the message of another
 * module's failure that the person can act on (see failureOf).
 */
export interface Failure {
  code?: NotifyErrorCode;
  reason?: string;
  message?: string;
}

/**
 * Why a mailbox is off or unwell, as data; the store writes it in words (replies.ts) for the
 * status commands. `recorded` is a reason read back from the mailbox, written again as it is.
 */
export type MailboxProblem =
  | { kind: 'turned_off' }
  | { kind: 'disconnected' }
  | { kind: 'grant_invalid' }
  | { kind: 'connection_gone' }
  | { kind: 'watch_expired' }
  | { kind: 'renewal_failed'; failure: Failure }
  | { kind: 'failed'; failure: Failure }
  | { kind: 'history_lost'; at: Date }
  | { kind: 'recorded'; text: string };

/** Something the owner is told in their DM, outside any announcement. */
export type OwnerNotice =
  /** Gmail no longer had the history since the last check; `recovered` recent messages were announced. */
  | { kind: 'history_lost'; recovered: number }
  /** The watch could not be renewed and has lapsed. */
  | { kind: 'watch_lapsed'; failure: Failure };
