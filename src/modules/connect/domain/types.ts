import type { Sealed } from '../../../shared/crypto';

export type ConnectionStatus = 'active' | 'invalid' | 'revoked';

/** A Slack user's Gmail connection; the refresh token is only ever held sealed. */
export interface Connection {
  id: string;
  teamId: string;
  userId: string;
  googleSub: string;
  email: string;
  scopes: string[];
  status: ConnectionStatus;
  sealedToken: Sealed | null;
  connectedAt: Date;
  invalidAt: Date | null;
  revokedAt: Date | null;
}

export type PairingPurpose = 'connect' | 'notifications';

export interface Pairing {
  id: string;
  teamId: string;
  userId: string;
  purpose: PairingPurpose;
  codeHash: string;
  failedAttempts: number;
  expiresAt: Date;
  usedAt: Date | null;
  burntAt: Date | null;
  /** Someone else signed in with Slack on it: refused for good, whatever `burntAt` says. */
  refusedAt: Date | null;
}

export interface OAuthAttempt {
  id: string;
  pairingId: string;
  teamId: string;
  userId: string;
  purpose: PairingPurpose;
  browserHash: string;
  expiresAt: Date;
  usedAt: Date | null;
}

/** A token parked for background revocation at Google. */
export interface PendingRevocation {
  id: string;
  teamId: string;
  userId: string;
  googleSub: string | null;
  sealed: Sealed;
  attempts: number;
}

export interface TokenGrant {
  accessToken: string;
  expiresAt: Date;
  refreshToken?: string;
  scopes: string[];
  idToken?: string;
}

export interface AuthorizationRequest {
  state: string;
  codeChallenge: string;
  scopes: string[];
  includeGrantedScopes?: boolean;
  loginHint?: string;
}

export interface GoogleIdentity {
  sub: string;
  email: string;
  emailVerified: boolean;
}

/** The notification state of a connection's mailbox, as the status answer shows it. */
export interface MailboxSummary {
  enabled: boolean;
  state: string;
  stateReason: string | null;
  watchExpiresAt: Date | null;
  lastNotifiedAt: Date | null;
}

/** What happened to a connection that other modules react to. */
export type ConnectionChange =
  /** A (re)connect finished: pending confirmations of the previous grant must not be sent. */
  | 'connected'
  /** Disconnect, or replacement by another account: stop everything tied to the old grant. */
  | 'ended'
  /** Google refused the grant (`invalid_grant`): stop work; the person is told once. */
  | 'invalid'
  /** The person granted the notification scope through the connect flow: start the watch. */
  | 'notificationsGranted';

/** What the person is told by direct message, outside any command. */
export type ConnectNotice =
  | { kind: 'connected'; purpose: PairingPurpose; email: string }
  | { kind: 'invalid'; email: string }
  /** Someone else signed in with Slack on the person's connect link, which is now disabled. */
  | {
      kind: 'link_refused';
      signedInAs: { teamId: string; userId: string };
      /** The person had already entered the right code, so their own connect may have gone on. */
      afterUse: boolean;
    }
  /** Another Slack person of the workspace connected the person's Google account (`shared`) or tried to. */
  | { kind: 'mailbox_claimed'; email: string; by: string; shared: boolean };

/** The sealed token's AAD context: a ciphertext copied to another user's row does not open. */
export const tokenContext = (teamId: string, userId: string) => `gmail-refresh-token|${teamId}|${userId}`;

/** AAD context of a token parked for background revocation. */
export const revocationContext = (id: string) => `gmail-revocation|${id}`;

export const KEPT_NOTE = 'not revoked: the account was connected again';
