import type { Clock } from '../../../shared/clock';
import type {
  HistoryPage,
  MailboxOwner,
  MailboxProblem,
  MailboxRecord,
  MailboxState,
  MailHeaders,
  OwnerNotice,
} from './types';

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
    problem: MailboxProblem | null,
  ): Promise<{ id: string; email: string; wasEnabled: boolean } | undefined>;
  /** A renewed watch: new expiry, lapse cleared. */
  recordWatch(id: string, watchExpiresAt: Date): Promise<void>;
  /** Moves the cursor forward only: a smaller or equal id leaves it unchanged (returns false). */
  advanceCursor(id: string, historyId: bigint): Promise<boolean>;
  /**
   * A finished sync; with `advanceTo`, the cursor moves forward in the same write (as advanceCursor).
   * May say whose mailbox it is (read in the same statement), so the caller need not look it up.
   */
  recordSync(
    id: string,
    p: {
      now: Date;
      notified: boolean;
      state: MailboxState;
      problem: MailboxProblem | null;
      advanceTo?: bigint;
    },
  ): Promise<{ teamId: string; userId: string } | void>;
  setState(id: string, state: MailboxState, problem: MailboxProblem | null): Promise<void>;
  /**
   * Marks lapsed (problem `watch_expired`), in one statement, those of `ids` that are on, whose watch
   * has expired by `now` and that are not lapsed already: one a renewal has just renewed is left as
   * it is. Returns the mailboxes it marked, with their owners.
   */
  lapseExpired(ids: string[], now: Date): Promise<Array<{ id: string; teamId: string; userId: string }>>;
  /** Claims the single "your notifications lapsed" message until the next successful renewal. */
  claimLapseNotice(id: string, now: Date): Promise<boolean>;
  /** The subset of `gmailIds` neither announced nor about to be (no intent) for this mailbox, in order. */
  unnotified(id: string, gmailIds: string[]): Promise<string[]>;
  /**
   * Writes, before a Slack post, that these messages are about to be announced (durable intent).
   * Returns the ids whose intent this call wrote: the others already had a row (another sync's).
   * With `ifEnabled`, the same statement writes nothing and returns undefined when the mailbox is off,
   * including off by a turn-off that commits while the statement waits for the mailbox row.
   */
  recordIntent(
    id: string,
    gmailIds: string[],
    now: Date,
    opts?: { ifEnabled: boolean },
  ): Promise<string[] | undefined>;
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

/** Which mail a mailbox's rules let through, and which of it is announced now (the rest is held). */
export interface SyncRules {
  forMailbox(mailbox: MailboxRecord): Promise<MailRules>;
}
export interface MailRules {
  candidate(labelIds: readonly string[]): boolean;
  route(mails: MailHeaders[]): Promise<MailHeaders[]>;
}

/** The person's Gmail connection as notify sees it (connect's `Connection` fits it). */
export interface ConnectionView extends MailboxOwner {
  scopes: string[];
  status: 'active' | 'invalid' | 'revoked';
}

/** Push message ids already recorded, so a redelivered push is not synced twice. */
export interface PushDedupe {
  seen(messageId: string): Promise<boolean>;
  remember(messageId: string): Promise<void>;
}

/** The owner's DM, for notices (announcements have their own port, see SyncDeps). */
export type TellOwner = (mailbox: MailboxRecord, notice: OwnerNotice) => Promise<void>;

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
