import type { GoogleFailureKind } from '../../../shared/google-failure';
import type {
  Draft,
  DraftContent,
  DraftPatch,
  DraftStatus,
  FinalStatus,
  SendDecision,
  SentLookup,
} from './types';

/** The slice of a structured logger the send use cases write to. */
export interface EventLog {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

/** A Slack message seen by Mailbridge that may ask for an email (recorded by the triggers module). */
export interface TriggerMessage {
  teamId: string;
  channelId: string;
  ts: string;
  threadTs: string | null;
  userId: string | null;
  /** true: a member of this workspace or its organisation; false: from elsewhere; null: unknown. */
  authorIsMember: boolean | null;
  isBot: boolean;
  createdAt: Date;
}

export interface TriggerLookup {
  /** At most a few messages with this ts (in this channel, when given). */
  findByTs(teamId: string | undefined, ts: string, channelId?: string): Promise<TriggerMessage[]>;
}

/** A person's Gmail connection (owned by the connect module): the account an email goes out from. */
export interface SenderConnection {
  id: string;
  teamId: string;
  userId: string;
  email: string;
  scopes: string[];
  status: 'active' | 'invalid' | 'revoked';
}

export interface ConnectionLookup {
  findByUser(teamId: string, userId: string): Promise<SenderConnection | undefined>;
}

export interface Token {
  accessToken: string;
  connection: SenderConnection;
}

/**
 * Why no access token could be had: the person is not (or no longer) connected, Google refused the
 * grant, the stored credentials cannot be opened, or Google's token endpoint failed (nothing was sent).
 */
export type TokenFailure = 'not_connected' | 'connection_invalid' | 'credentials_unreadable' | 'unavailable';

export interface AccessTokens {
  forConnection(connectionId: string): Promise<Token | { failure: TokenFailure }>;
  /** Drops a cached token Gmail no longer accepts. */
  forget(connectionId: string): void;
}

export type GmailFailureKind = GoogleFailureKind;

/** What a failed Gmail call proves about the request. */
export interface GmailFailure {
  kind: GmailFailureKind;
  status?: number;
  retryAfterMs?: number;
  message: string;
  /** A `network` failure before the connection opened (refused, name not resolved): nothing reached Gmail. */
  neverConnected?: boolean;
  /** Google refused the access token's scopes (403 insufficientPermissions), whatever the stored grant says. */
  scopeMissing?: boolean;
}

export type GmailAnswer<T> = { ok: true; value: T } | { ok: false; failure: GmailFailure };

/** The headers of a message in the sender's mailbox (raw values as Gmail gives them). */
export interface AnsweredMessage {
  threadId: string;
  messageId?: string;
  references?: string;
  subject?: string;
  from?: string;
}

/** A message in the sender's Sent: Gmail's ids for it. */
export interface SentMessage {
  id: string;
  threadId: string | null;
}

export interface Gmail {
  /** Sends a base64url RFC 5322 message, into `threadId` when given; the value: Gmail's ids for it. */
  send(accessToken: string, raw: string, threadId?: string): Promise<GmailAnswer<SentMessage>>;
  /** The headers a reply needs; undefined when the mailbox has no message with this id. */
  readAnswered(
    accessToken: string,
    gmailMessageId: string,
  ): Promise<GmailAnswer<AnsweredMessage | undefined>>;
  /** The sent message carrying this Message-ID, if Gmail lists one. */
  findSent(
    accessToken: string,
    messageIdHeader: string,
    how: SentLookup,
    attemptedAt: Date,
  ): Promise<GmailAnswer<SentMessage | undefined>>;
}

/** One send decision as the audit trail keeps it; recipients and subject are sealed by the adapter. */
export interface SendAuditEntry {
  teamId: string;
  userId: string;
  draftId: string;
  result: SendDecision;
  recipientCount?: number;
  gmailMessageId?: string;
  reason?: string;
  /** Never the body. */
  recipients?: Pick<DraftContent, 'to' | 'cc' | 'bcc' | 'subject'>;
}

export interface SendAudit {
  record(entry: SendAuditEntry): Promise<void>;
}

/** Which quota refused: the owner's drafts, the owner's sends, or the deployment-wide breaker. */
export type LimitScope = 'drafts_hour' | 'user_hour' | 'user_day' | 'global_hour';

export type LimitCheck = { allowed: true } | { allowed: false; scope: LimitScope; retryAfterMs: number };

/** Quotas shared by every machine. */
export interface SendLimits {
  consumeDraft(teamId: string, userId: string): Promise<LimitCheck>;
  /** Per-user hourly and daily sends and the global hourly breaker, all or nothing: a refusal takes no send. */
  consumeSend(teamId: string, userId: string): Promise<LimitCheck>;
  /** Gives back one send (the claim that consumed it did not go ahead). */
  refundSend(teamId: string, userId: string): Promise<void>;
}

export interface TransitionGuard {
  unexpiredAt?: Date;
  sendAttempts?: number;
  /** The draft is still at this content version (the one the person saw). */
  version?: number;
  /** The assistant was never given this draft (its staging was refused): the move emits no outcome event. */
  neverStaged?: true;
}

export type NewDraft = Omit<
  Draft,
  | 'sealedContent'
  | 'createdAt'
  | 'claimedAt'
  | 'attemptedAt'
  | 'sentAt'
  | 'sendAttempts'
  | 'nextAttemptAt'
  | 'gmailThreadId'
>;

/** Persistence the send use cases need; every status change is a conditional update. */
export interface DraftStore {
  /** Stores the draft with its content sealed (bound to the draft and its owner). */
  create(d: NewDraft, content: DraftContent): Promise<void>;
  findById(id: string): Promise<Draft | undefined>;
  /** The draft's content; throws when retention purged it or it cannot be opened. */
  openContent(draft: Draft): DraftContent;
  update(id: string, patch: DraftPatch): Promise<void>;
  /**
   * Moves the draft from one of `from` to `to` in one conditional UPDATE; true only for the caller
   * whose update matched. The guard additionally requires expires_at > `unexpiredAt`, or that no
   * other runner has counted an attempt since the caller read `sendAttempts`.
   */
  transition(
    id: string,
    from: readonly DraftStatus[],
    to: DraftStatus,
    patch?: DraftPatch,
    guard?: TransitionGuard,
  ): Promise<boolean>;
  listExpiredPending(now: Date, take: number): Promise<Draft[]>;
  listInStatus(statuses: readonly DraftStatus[], take: number): Promise<Draft[]>;
  listOpenForUser(teamId: string, userId: string): Promise<Draft[]>;
  /** Records that the preview now shows `status`; ignored if the draft has moved on meanwhile. */
  markPreviewShown(id: string, status: FinalStatus): Promise<void>;
  /**
   * Finished drafts whose preview does not show their status yet, last changed between
   * `changedAfter` and `changedBefore` (a live runner is still telling the newer ones), and not
   * tried again before their backoff (previewBackoffMs) has passed at `now`; least recently tried first.
   */
  listUnshownOutcomes(changedAfter: Date, changedBefore: Date, now: Date, take: number): Promise<Draft[]>;
  /** A telling Slack did not take: counted for the backoff, or given up (marked as final) if `giveUp`. */
  recordPreviewTry(id: string, status: FinalStatus, giveUp: boolean): Promise<void>;
}
