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
export type Announcement = { kind: 'single'; mail: MailHeaders } | { kind: 'digest'; mails: MailHeaders[] };

/** Something the owner is told in their DM, outside any announcement. */
export type OwnerNotice =
  /** Gmail no longer had the history since the last check; `recovered` recent messages were announced. */
  | { kind: 'history_lost'; recovered: number }
  /** The watch could not be renewed and has lapsed; `reason` says why (as stored on the mailbox). */
  | { kind: 'watch_lapsed'; reason: string };
