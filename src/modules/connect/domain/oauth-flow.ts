import { AppError } from '../../../shared/errors';
import { randomId, signToken, type Sealer } from '../../../shared/crypto';
import type { Clock } from '../../../shared/clock';
import type { PairingPurpose, PairingRepo } from '../pairing-store';
import type { Connection, ConnectionRepo } from '../connection-store';
import { tokenContext } from '../connection-store';
import type { AuditRepo } from '../../../shared/audit-store';
import type { AuthorizationRequest, GoogleIdentity, TokenGrant } from '../../../shared/google-oauth';
import type { PairingService } from './pairing';
import { openQuietly, requireCode, requireScopes } from './grant-checks';
import { addressMrkdwn } from '../../../shared/mrkdwn';
import {
  ATTEMPT_TTL_MS,
  browserHash,
  claimAttempt,
  codeChallenge,
  codeVerifier,
  scopesFor,
  STATE_PURPOSE,
} from './oauth-attempt';

export { ATTEMPT_TTL_MS, scopesFor };

export interface OAuthFlowDeps {
  pairing: PairingService;
  pairings: PairingRepo;
  connections: ConnectionRepo;
  audit: AuditRepo;
  sealer: Sealer;
  clock: Clock;
  signingKey: string;
  notifyScope: string;
  google: {
    authorizationUrl(p: AuthorizationRequest): string;
    exchangeCode(code: string, verifier: string): Promise<TokenGrant>;
    verifyIdToken(idToken: string): Promise<GoogleIdentity>;
  };
  /** Revokes a replaced account's token at Google, parking it for retry on failure. */
  revoke(p: { teamId: string; userId: string; googleSub: string; refreshToken: string }): Promise<unknown>;
  /** Another account replaces this one: its watch and pending confirmations stop while its token still works. */
  onReplaced(old: Connection): Promise<void>;
  /** The connection is (re)established: pending confirmations of before are void; a notifications grant starts the watch. */
  onConnected(connection: Connection, purpose: PairingPurpose): Promise<void>;
  tellUser(teamId: string, userId: string, text: string): Promise<void>;
}

export interface ConnectResult {
  connection: Connection;
  purpose: PairingPurpose;
  attemptId: string;
  replacedAccount?: string;
}

export function createOAuthFlow(deps: OAuthFlowDeps) {
  const key = deps.signingKey;
  return {
    /** Code entered on the start page: spend the pairing, bind the browser, build Google's URL. */
    async begin(
      pairingId: string,
      code: string,
    ): Promise<{ redirectUrl: string; attemptId: string; browserSecret: string }> {
      const pairing = await deps.pairing.redeem(pairingId, code);
      const now = deps.clock.now();
      const attemptId = randomId(18);
      const browserSecret = randomId(32);
      await deps.pairings.createAttempt({
        id: attemptId,
        pairingId,
        teamId: pairing.teamId,
        userId: pairing.userId,
        purpose: pairing.purpose,
        browserHash: browserHash(key, browserSecret),
        expiresAt: new Date(now.getTime() + ATTEMPT_TTL_MS),
      });
      const existing = await deps.connections.findByUser(pairing.teamId, pairing.userId);
      const state = signToken(key, STATE_PURPOSE, { a: attemptId, e: now.getTime() + ATTEMPT_TTL_MS });
      const redirectUrl = deps.google.authorizationUrl({
        state,
        codeChallenge: codeChallenge(codeVerifier(key, attemptId)),
        scopes: scopesFor(pairing.purpose, deps.notifyScope),
        // A reconnect must not silently drop scopes granted earlier (e.g. notifications).
        includeGrantedScopes: true,
        loginHint:
          pairing.purpose === 'notifications' && existing?.status === 'active' ? existing.email : undefined,
      });
      return { redirectUrl, attemptId, browserSecret };
    },

    /** Google's redirect. Every check happens before anything is stored. */
    async callback(
      q: { state?: string; code?: string; error?: string },
      browserSecretFor: (attemptId: string) => string | undefined,
    ): Promise<ConnectResult> {
      const now = deps.clock.now();
      const attempt = await claimAttempt(deps.pairings, key, q.state, browserSecretFor, now);
      const code = requireCode(q);
      const grant = await deps.google
        .exchangeCode(code, codeVerifier(key, attempt.id))
        .catch((err: unknown) => {
          throw new AppError('exchange_failed', 'Google did not accept the sign-in.', {
            httpStatus: 400,
            cause: err,
          });
        });
      if (!grant.idToken)
        throw new AppError('id_token_missing', 'Google did not return who signed in.', { httpStatus: 400 });
      const identity = await deps.google.verifyIdToken(grant.idToken);
      // An unverified address may belong to someone else: it must never become the From of sent mail.
      if (!identity.emailVerified) {
        // Google issued a grant all the same: revoke it (one bounded attempt, parked retries) rather than
        // leave an unused grant on the account; a grant a connection of this account relies on is kept.
        await deps
          .revoke({
            teamId: attempt.teamId,
            userId: attempt.userId,
            googleSub: identity.sub,
            // Google's revoke endpoint takes either token; both end the same grant.
            refreshToken: grant.refreshToken ?? grant.accessToken,
          })
          .catch(() => undefined);
        throw new AppError('email_unverified', 'Google has not verified the email address of this account.', {
          httpStatus: 400,
        });
      }
      // Only Google's token response says what was granted; the callback URL is the browser's to change.
      const granted = grant.scopes;
      const existing = await deps.connections.findByUser(attempt.teamId, attempt.userId);
      const active = existing?.status === 'active' || existing?.status === 'invalid' ? existing : undefined;
      requireScopes({ purpose: attempt.purpose, granted, notifyScope: deps.notifyScope, active, identity });
      const sameAccount = active?.googleSub === identity.sub;
      let refreshToken = grant.refreshToken;
      if (!refreshToken) {
        // Google may omit the refresh token for an account that already granted offline access.
        if (!sameAccount || active?.status !== 'active' || !active.sealedToken) {
          throw new AppError('refresh_token_missing', 'Google did not grant offline access.', {
            httpStatus: 400,
          });
        }
        refreshToken = deps.sealer.openString(active.sealedToken, tokenContext(active.teamId, active.userId));
      }
      const replaced = active && !sameAccount ? active : undefined;
      const oldToken = replaced?.sealedToken ? openQuietly(deps.sealer, replaced) : undefined;
      if (replaced) await deps.onReplaced(replaced);
      const connection = await deps.connections.upsertActive({
        teamId: attempt.teamId,
        userId: attempt.userId,
        googleSub: identity.sub,
        email: identity.email,
        scopes: [...new Set(granted)],
        sealed: deps.sealer.seal(refreshToken, tokenContext(attempt.teamId, attempt.userId)),
        now,
      });
      // Revoking one token revokes every token of that account for this client, so only a different
      // account's token is revoked; reconnecting the same account keeps its grant alive.
      if (replaced && oldToken)
        await deps.revoke({
          teamId: replaced.teamId,
          userId: replaced.userId,
          googleSub: replaced.googleSub,
          refreshToken: oldToken,
        });
      await deps.onConnected(connection, attempt.purpose);
      await deps.audit.record({
        teamId: attempt.teamId,
        userId: attempt.userId,
        kind: 'connect',
        result: 'success',
        reason: replaced ? 'replaced_account' : sameAccount ? 'reconnected_same_account' : attempt.purpose,
      });
      const text =
        attempt.purpose === 'notifications'
          ? `Gmail access for notifications granted for ${addressMrkdwn(identity.email)}.`
          : `Connected as ${addressMrkdwn(identity.email)}. The assistant can now prepare emails for you; nothing is sent until you click Send.`;
      await deps.tellUser(attempt.teamId, attempt.userId, text).catch(() => undefined);
      return {
        connection,
        purpose: attempt.purpose,
        attemptId: attempt.id,
        replacedAccount: replaced?.email,
      };
    },
  };
}

export type OAuthFlow = ReturnType<typeof createOAuthFlow>;
