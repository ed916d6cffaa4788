import type { Clock } from '../../../shared/clock';

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

/** Mailbox rows and the record of announced Gmail messages. */
export interface MailboxStore {
  findById(id: string): Promise<MailboxRecord | undefined>;
  findByConnection(connectionId: string): Promise<MailboxRecord | undefined>;
  /** Turns notifications on for a connection (creating the row); `resetCursor` starts from `historyId`. */
  enable(p: {
    connection: MailboxOwner;
    historyId: bigint;
    watchExpiresAt: Date;
    now: Date;
    resetCursor: boolean;
  }): Promise<MailboxRecord>;
  /** Turns notifications off; says whether they were on, so only the caller that turned them off acts. */
  disable(
    connectionId: string,
    state: MailboxState,
    reason: string | null,
  ): Promise<{ id: string; email: string; wasEnabled: boolean } | undefined>;
  /** A renewed watch: new expiry, lapse cleared. */
  recordWatch(id: string, watchExpiresAt: Date): Promise<void>;
  /** Moves the cursor forward only: a smaller or equal id leaves it unchanged (returns false). */
  advanceCursor(id: string, historyId: bigint): Promise<boolean>;
  recordSync(
    id: string,
    p: { now: Date; notified: boolean; state: MailboxState; reason: string | null },
  ): Promise<void>;
  setState(id: string, state: MailboxState, reason: string | null): Promise<void>;
  /** Claims the single "your notifications lapsed" message until the next successful renewal. */
  claimLapseNotice(id: string, now: Date): Promise<boolean>;
  /** The subset of `gmailIds` neither announced nor about to be (no intent) for this mailbox, in order. */
  unnotified(id: string, gmailIds: string[]): Promise<string[]>;
  /**
   * Writes, before a Slack post, that these messages are about to be announced (durable intent).
   * Returns the ids whose intent this call wrote: the others already had a row (another sync's).
   */
  recordIntent(id: string, gmailIds: string[], now: Date): Promise<string[]>;
  /** The post is known to be in Slack: the messages are announced. */
  markNotified(id: string, gmailIds: string[]): Promise<void>;
  /** Intents whose post may or may not have reached Slack (the process stopped in between). */
  pendingIntents(id: string): Promise<Array<{ gmailId: string; intendedAt: Date }>>;
  /** Drops intents whose post never reached Slack, so those messages are announced again. */
  releaseIntents(id: string, gmailIds: string[]): Promise<void>;
  /** Enabled mailboxes whose watch expires before `before` (or has none). */
  dueForRenewal(before: Date): Promise<MailboxRecord[]>;
  /** Enabled mailboxes with neither a push nor a sync since `since`. */
  silentSince(since: Date): Promise<string[]>;
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

/** What notifications need from Gmail for one connected account. */
export interface GmailPort {
  watch(topicName: string): Promise<{ historyId: string; expiration: Date }>;
  stop(): Promise<void>;
  /** Throws an AppError with code `gmail_not_found` when the start id is too old. */
  listHistory(startHistoryId: string, pageToken?: string): Promise<HistoryPage>;
  /** Undefined when the message no longer exists. */
  headers(messageId: string): Promise<MailHeaders | undefined>;
  recentInbox(max: number): Promise<string[]>;
  currentHistoryId(): Promise<string>;
}

/** One Slack post about new mail: a message of its own, or a digest of many. */
export type Announcement = { kind: 'single'; mail: MailHeaders } | { kind: 'digest'; mails: MailHeaders[] };

export interface NotifyLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface NotifyBaseDeps {
  mailboxes: MailboxStore;
  /** Resolves a connection's Gmail; throws AppError not_connected / connection_invalid. */
  openGmail(connectionId: string): Promise<GmailPort>;
  clock: Clock;
  log: NotifyLog;
}
