import type { Sealed } from '../../../shared/crypto';
import type {
  AuthorizationRequest,
  Connection,
  ConnectionChange,
  ConnectNotice,
  GoogleIdentity,
  MailboxSummary,
  OAuthAttempt,
  Pairing,
  PendingRevocation,
  TokenGrant,
} from './types';

export interface ConnectionStore {
  findByUser(teamId: string, userId: string): Promise<Connection | undefined>;
  findById(id: string): Promise<Connection | undefined>;
  upsertActive(p: {
    teamId: string;
    userId: string;
    googleSub: string;
    email: string;
    scopes: string[];
    sealed: Sealed;
    now: Date;
  }): Promise<Connection>;
  /**
   * upsertActive, unless another Slack person of the team holds `googleSub` actively: then nothing is
   * written and undefined is returned. Decided under a lock on the team's Google account, so of two
   * parallel connects of one account at most one holds it.
   */
  upsertActiveAlone(p: Parameters<ConnectionStore['upsertActive']>[0]): Promise<Connection | undefined>;
  /**
   * upsertActive with sharing allowed: under the same lock as upsertActiveAlone, the account's other
   * active holders in the team are read in the transaction that writes, and returned.
   */
  upsertActiveShared(
    p: Parameters<ConnectionStore['upsertActive']>[0],
  ): Promise<{ connection: Connection; holders: Connection[] }>;
  /** The active connections of `googleSub` in the team held by other Slack people than `userId`. */
  otherActiveHolders(teamId: string, googleSub: string, userId: string): Promise<Connection[]>;
  /** Persists a rotated refresh token only if the connection is still the same active grant. */
  replaceToken(id: string, expectedGoogleSub: string, sealed: Sealed): Promise<boolean>;
  /** Revoking a token revokes every token of its Google account for this client. */
  hasActiveWithSub(googleSub: string): Promise<boolean>;
  /**
   * active → invalid, only while the row still holds the grant that failed (a reconnect may have
   * replaced it meanwhile); true only for the caller that made the transition (tell the user once).
   */
  markInvalid(id: string, failed: { googleSub: string; sealed: Sealed | null }, now: Date): Promise<boolean>;
  /** Claims the single "your connection is invalid" message for this connection. */
  claimInvalidNotice(id: string, now: Date): Promise<boolean>;
  markRevoked(id: string, now: Date): Promise<void>;
}

export interface PairingStore {
  /** Creates the pairing unless the user already has `limit` created since `since`; false when over it. */
  createWithinLimit(
    p: Omit<Pairing, 'failedAttempts' | 'usedAt' | 'burntAt' | 'refusedAt'>,
    since: Date,
    limit: number,
  ): Promise<boolean>;
  find(id: string): Promise<Pairing | undefined>;
  /**
   * Reserves one code check before the code is compared; the number of checks made so far, or undefined
   * when the pairing is no longer usable or has no check left. The last allowed check burns the pairing
   * unless `consume` refunds it.
   */
  reserveCheck(id: string, limit: number, now: Date): Promise<number | undefined>;
  /** Single use: spends the pairing after a right code and refunds the reserved check; never a refused one. */
  consume(id: string, now: Date): Promise<boolean>;
  /**
   * Refuses the pairing for good, used or not: marked refused, burnt and expired at `now`, so neither a code
   * check nor `consume` can succeed on it any more (`consume` needs the refusal mark empty, whatever the
   * clocks say). Undefined when it was already refused (or is unknown); otherwise whether it had been used.
   */
  refuse(id: string, now: Date): Promise<{ wasUsed: boolean } | undefined>;
  createAttempt(a: Omit<OAuthAttempt, 'usedAt'>): Promise<void>;
  findAttempt(id: string): Promise<OAuthAttempt | undefined>;
  consumeAttempt(id: string, now: Date): Promise<boolean>;
  purgeExpired(before: Date): Promise<number>;
}

export interface RevocationStore {
  create(p: { id: string; teamId: string; userId: string; googleSub: string; sealed: Sealed }): Promise<void>;
  /** An open (not yet done) revocation. */
  find(id: string): Promise<PendingRevocation | undefined>;
  recordFailure(id: string, error: string): Promise<void>;
  /** Done (revoked, or no longer to be revoked): the token is forgotten, only the fact remains. */
  complete(id: string, now: Date, note?: string): Promise<void>;
  /** The account was connected again: its parked revocations must never run. */
  supersedeForAccount(googleSub: string, now: Date): Promise<number>;
  listOpenIds(): Promise<string[]>;
}

/** Google's OAuth endpoints. */
export interface GoogleAuth {
  authorizationUrl(p: AuthorizationRequest): string;
  exchangeCode(code: string, codeVerifier: string): Promise<TokenGrant>;
  verifyIdToken(idToken: string): Promise<GoogleIdentity>;
  refresh(refreshToken: string): Promise<TokenGrant>;
  revoke(token: string): Promise<void>;
}

export interface ConnectAuditEntry {
  teamId: string;
  userId: string;
  kind: 'connect' | 'disconnect' | 'connection';
  result: string;
  reason?: string;
}

/** Sign in with Slack (OpenID Connect), when the app's client credentials are configured. */
export interface SlackIdentity {
  /** Slack's authorize URL, asking it to sign in to workspace `team`. */
  authorizationUrl(p: { state: string; nonce: string; team: string }): string;
  /**
   * openid.connect.token; the id token, or a connect error: `slack_code_invalid` for a code Slack refuses,
   * `slack_misconfigured` when it refuses our client, `slack_unreachable` when it cannot answer.
   */
  exchangeCode(code: string): Promise<string>;
  /**
   * Signature (RS256, Slack's keys), issuer, audience and expiry; or a connect error: `slack_id_token_invalid`
   * for the token's flaws, `slack_unreachable`/`slack_misconfigured` when Slack's keys cannot be had.
   */
  verifyIdToken(idToken: string): Promise<{ teamId: string; userId: string; nonce: string | undefined }>;
}

/** Single use of a sign-in state: true for the first claim of an id within its lifetime only. */
export interface SignInStates {
  claim(id: string, ttlMs: number): Promise<boolean>;
}

export interface AuditLog {
  record(e: ConnectAuditEntry): Promise<void>;
}

export interface MailboxSummaries {
  find(connectionId: string): Promise<MailboxSummary | undefined>;
}

/** Tells the person by direct message. */
export interface Notices {
  tell(teamId: string, userId: string, notice: ConnectNotice): Promise<void>;
}

/** Hands a change of connection to the other modules' reactions. */
export interface ConnectionEvents {
  emit(change: ConnectionChange, connection: Connection): Promise<void>;
}
