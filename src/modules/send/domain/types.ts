/** One mailbox of an address list: the address, and the display name the assistant gave, if any. */
export interface Mailbox {
  address: string;
  name?: string;
}

/** What the assistant staged. Sealed at rest; never logged, never in a job payload. */
export interface DraftContent {
  /** The connected Gmail address the preview named as sender; the send refuses any other. */
  from: string;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  subject: string;
  body: string;
  /** The email this one answers, read from Gmail when it was staged; absent for a new conversation. */
  reply?: ReplyTo;
}

/** What a reply needs from the email it answers: its thread, its ids, and what the preview names. */
export interface ReplyTo {
  /** The Gmail thread the reply joins. */
  threadId: string;
  /** The answered email's Message-ID (`<…>`), absent when it had no usable one. */
  messageId?: string;
  /** Its References followed by its Message-ID: the reply's References. */
  references: string[];
  /** Its From and Subject, for the preview and for `Re: <subject>`; one line each. */
  from: string;
  subject: string;
}

/**
 * pending → sending (claimed by the owner's Send) → attempting (a Gmail call may have been made)
 * → sent | failed | outcome_unknown. pending → cancelled | expired. attempting → sending only when
 * Gmail's answer proved nothing was sent (then the send is retried).
 */
export const DRAFT_STATUSES = [
  'pending',
  'sending',
  'attempting',
  'sent',
  'cancelled',
  'expired',
  'failed',
  'outcome_unknown',
] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

/** Statuses nothing moves a draft out of (but `outcome_unknown` → `sent` when Sent shows it later). */
export const FINAL_STATUSES = ['sent', 'cancelled', 'expired', 'failed', 'outcome_unknown'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];
export const isFinalStatus = (s: string): s is FinalStatus =>
  (FINAL_STATUSES as readonly string[]).includes(s);

export type PreviewKind = 'ephemeral' | 'dm';

/** How a sent message is looked up: a Message-ID search, or reading the newest SENT headers. */
export type SentLookup = 'search' | 'list';

export interface Draft {
  id: string;
  teamId: string;
  userId: string;
  connectionId: string;
  channelId: string;
  triggerTs: string;
  threadTs: string | null;
  /** Null once retention purged it (DRAFT_RETENTION_DAYS after the draft finished). */
  sealedContent: { ciphertext: Buffer; keyVersion: string } | null;
  recipientCount: number;
  status: DraftStatus;
  messageIdHeader: string;
  gmailMessageId: string | null;
  gmailThreadId: string | null;
  failureReason: string | null;
  previewKind: PreviewKind | null;
  previewChannel: string | null;
  previewTs: string | null;
  responseUrl: string | null;
  /** The final status the person's preview was last updated to (null: not yet, or still open). */
  previewOutcome: FinalStatus | null;
  expiresAt: Date;
  claimedAt: Date | null;
  attemptedAt: Date | null;
  sentAt: Date | null;
  /** Send attempts made so far (Gmail calls and token fetches), across jobs and restarts. */
  sendAttempts: number;
  /** The next attempt is not due before this time (backoff or Retry-After). */
  nextAttemptAt: Date | null;
  /** The content's version: 1 when staged, +1 per edit; a Send claims only the version it showed. */
  version: number;
  /** When the owner last edited the content (null: never). */
  editedAt: Date | null;
  /** The keyed hash of the tool request that staged it (a retry after a crash answers with this draft). */
  requestHash?: string | null;
  createdAt: Date;
}

export type DraftPatch = Partial<
  Pick<
    Draft,
    | 'gmailMessageId'
    | 'gmailThreadId'
    | 'failureReason'
    | 'responseUrl'
    | 'claimedAt'
    | 'attemptedAt'
    | 'sentAt'
    | 'sendAttempts'
    | 'nextAttemptAt'
    | 'previewKind'
    | 'previewChannel'
    | 'previewTs'
  >
>;

export const PREVIEW_BACKOFF_BASE_MS = 15_000;
export const PREVIEW_BACKOFF_MAX_MS = 10 * 60_000;
/** How long after its `tries`-th failed telling a preview is told again. */
export const previewBackoffMs = (tries: number): number =>
  Math.min(PREVIEW_BACKOFF_MAX_MS, PREVIEW_BACKOFF_BASE_MS * 2 ** tries);

/** Results recorded for each decision (SPEC 6.4.8), plus the two intermediate steps. */
export type SendDecision =
  | 'staged'
  | 'edited'
  | 'sending'
  | 'success'
  | 'denied'
  | 'expired'
  | 'cancelled'
  | 'rate_limited'
  | 'failed'
  | 'outcome_unknown';

/** What the preview turns into; the Slack layer words it. */
export type Outcome =
  | { kind: 'sending' }
  | { kind: 'sent' }
  | { kind: 'cancelled'; reason?: string }
  | { kind: 'expired' }
  | { kind: 'failed'; reason: string }
  | { kind: 'outcome_unknown'; reason: string };
