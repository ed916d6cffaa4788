import type { ParsedMessage } from './mime';

/** Options of {@link startGoogleEmulator}. */
export interface GoogleEmulatorOptions {
  /** Listen port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The one OAuth client it serves (default `000000000001-emulator.apps.googleusercontent.com`). */
  clientId?: string;
  clientSecret?: string;
  /** Registered redirect URIs; authorize and token compare them exactly. */
  redirectUris?: string[];
  /** Receives one line per request and notable event. Silent by default. */
  logger?: (m: string) => void;
  /** Serve an account chooser with Allow/Deny at the authorize URL (for `npm run dev`) unless a consent is set. */
  interactive?: boolean;
  /** Cache-Control max-age of the certs response, in seconds (default 3600). */
  certsMaxAgeSeconds?: number;
  /** How long a sent message stays out of messages.list (Gmail's index lags the send); default 0. */
  sentListingDelayMs?: number;
}

export interface Account {
  email: string;
  sub: string;
  /** The ID token's `email_verified` claim; null leaves the claim out. */
  emailVerified: boolean | null;
  name: string;
}

/** What the next authorize requests do. Without `times` it lasts until the next setConsent. */
export interface ConsentRule {
  /** Account that signs in (default: login_hint if it names an account, else the first account). */
  email?: string;
  /** Scopes the user leaves ticked (short `gmail.send` or full URLs); sign-in scopes are always granted. */
  grantScopes?: string[];
  deny?: boolean;
  omitRefreshToken?: boolean;
  times?: number;
}

export const FAULT_ENDPOINTS = [
  'token',
  'revoke',
  'certs',
  'authorize',
  'gmail.send',
  'gmail.watch',
  'gmail.stop',
  'gmail.history',
  'gmail.get',
  'gmail.list',
  'gmail.profile',
  'push',
] as const;
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];

/**
 * An injected failure for the next `times` (default 1) requests to an endpoint. With only `delayMs`
 * the request is delayed then served normally. For `push`, only `drop` (not sent) and `delayMs` apply.
 */
export interface Fault {
  status?: number;
  body?: unknown;
  delayMs?: number;
  /** Destroy the connection without an answer (a network error for the client). */
  drop?: boolean;
  /** Retry-After header, in seconds. */
  retryAfter?: number;
  times?: number;
  /** Token endpoint: answer 400 invalid_grant. */
  invalidGrant?: boolean;
  /** Perform the request's effect (e.g. send the mail), then answer with the failure: the ambiguous case. */
  afterEffect?: boolean;
}

export type TokenVariant =
  | 'valid'
  | 'none'
  | 'bad-signature'
  | 'alg-none'
  | 'wrong-audience'
  | 'wrong-email'
  | 'unverified-email'
  | 'expired'
  | 'wrong-issuer'
  | 'other-key';

export interface PushConfig {
  /** Loopback URL of the server's push webhook. */
  endpoint: string;
  audience: string;
  serviceAccountEmail: string;
  subscription?: string;
  /** Push automatically when mail is delivered to a watched mailbox (default true). */
  autoPush?: boolean;
}

export interface PushOptions {
  historyId?: string;
  messageId?: string;
  /** Replaces the base64 `message.data`. */
  data?: string;
  /** Replaces the whole JSON envelope. */
  body?: unknown;
  token?: TokenVariant;
}

export interface PushRecord {
  messageId: string;
  email: string;
  historyId: string;
  token: TokenVariant;
  /** HTTP status of the endpoint's answer; 0 when dropped by a fault or the connection failed. */
  status: number;
}

export interface GmailMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  snippet: string;
  historyId: string;
  internalDate: string;
  headers: Array<{ name: string; value: string }>;
  body: string;
  sizeEstimate: number;
  /** The RFC 822 bytes, base64url, for sent messages. */
  raw?: string;
  /** messages.list leaves the message out before this time (epoch ms); get finds it at once. */
  listedFrom?: number;
}

/** A message sent through messages.send, decoded. */
export interface SentMessage extends ParsedMessage {
  id: string;
  threadId: string;
  /** The RFC 822 source as received (decoded from base64url). */
  raw: string;
}

export interface Watch {
  topicName: string;
  labelIds: string[];
  labelFilterBehavior: string;
  expiration: number;
  historyId: string;
}

export interface GmailRequest {
  method: string;
  path: string;
  endpoint: FaultEndpoint | 'gmail.other';
  status: number;
  email?: string;
}

export interface DeliverInput {
  from: string;
  to?: string;
  subject: string;
  date?: Date;
  labelIds?: string[];
  snippet?: string;
  body?: string;
  /** Extra headers, e.g. Message-ID or List-Unsubscribe. */
  headers?: Record<string, string>;
}

export interface GoogleEmulator {
  baseUrl: string;
  /** Values for GOOGLE_OAUTH_AUTH_URL, GOOGLE_OAUTH_TOKEN_URL, GOOGLE_OAUTH_REVOKE_URL, GOOGLE_OAUTH_CERTS_URL, GMAIL_API_URL. */
  urls: { authUrl: string; tokenUrl: string; revokeUrl: string; certsUrl: string; gmailApiUrl: string };
  clientId: string;
  clientSecret: string;
  addRedirectUri(uri: string): void;
  /** Adds (or returns the existing) Google account, with an empty mailbox. */
  addAccount(a: { email: string; sub?: string; emailVerified?: boolean | null; name?: string }): Account;
  setConsent(c: ConsentRule): void;
  /**
   * The account (added if new) as if it had already consented to `scopes` with offline access: the
   * refresh token the token endpoint would have issued. For arranging many connected mailboxes fast.
   */
  grantOffline(p: { email: string; scopes: string[] }): { account: Account; refreshToken: string };
  /** The refresh_token grant then returns a new refresh token and invalidates the old one. */
  setRotateRefreshTokens(on: boolean): void;
  /** Revokes every token of the account for this client, as the user would at myaccount.google.com. */
  revokeAllGrants(email: string): void;
  /** Makes the account's current access tokens expired (Gmail answers 401 until a refresh). */
  expireAccessTokens(email: string): void;
  authorizeRequests: Array<{ params: Record<string, string>; status: number; error?: string }>;
  tokenRequests: Array<{ grantType: string; params: Record<string, string>; status: number }>;
  revocations: Array<{ token: string; status: number }>;
  /** Signs ID tokens and push tokens with a new key; the certs then list the new and the previous key. */
  rotateSigningKey(): void;

  deliver(email: string, m: DeliverInput): GmailMessage;
  sent(email: string): SentMessage[];
  /** Sets how long sent messages stay out of messages.list (see GoogleEmulatorOptions). */
  setSentListingDelay(ms: number): void;
  /** Every message of the mailbox (inbox and sent), oldest first. */
  messages(email: string): GmailMessage[];
  watches(email: string): Watch | null;
  /** Makes the active watch lapse (as if 7 days passed without renewal). */
  expireWatch(email: string): void;
  watchCalls: Array<{ email: string; topicName: string; labelIds: string[]; labelFilterBehavior: string }>;
  /**
   * When each accepted users.watch call was received (its headers arrived: what Google's quota counts)
   * and answered (`at`), ms since the epoch, in the order of `watchCalls`.
   */
  watchCallTimes: Array<{ email: string; receivedAt: number; at: number }>;
  stopCalls: Array<{ email: string }>;
  requests: GmailRequest[];
  historyId(email: string): string;
  expireHistoryBefore(email: string, historyId: string): void;

  configurePush(p: PushConfig): void;
  push(email: string, opts?: PushOptions): Promise<{ status: number; body: string }>;
  signPushToken(
    claims?: Partial<{ aud: string; email: string; email_verified: boolean; exp: number; iss: string }>,
  ): string;
  pushes: PushRecord[];
  /** Resolves once every automatic push started so far has been answered. */
  settled(): Promise<void>;

  fail(endpoint: FaultEndpoint, f: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}
