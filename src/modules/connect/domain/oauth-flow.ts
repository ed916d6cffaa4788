import { randomId, signToken, type Sealer } from '../../../shared/crypto';
import type { Clock } from '../../../shared/clock';
import { connectErrors } from './errors';
import type { AccessTokens } from './access-tokens';
import type { PairingService } from './pairing';
import type { AuditLog, ConnectionEvents, ConnectionStore, GoogleAuth, Notices, PairingStore } from './ports';
import type { Revocations } from './revocations';
import { tokenContext, type Connection, type PairingPurpose } from './types';
import { checkHolders, openQuietly, requireCode, requireScopes, storeConnection } from './grant-checks';
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
  pairings: PairingStore;
  connections: ConnectionStore;
  audit: AuditLog;
  sealer: Sealer;
  clock: Clock;
  signingKey: string;
  notifyScope: string;
  /** ALLOW_SHARED_MAILBOXES: whether one Google account may be connected by several people of a workspace. */
  allowSharedMailboxes?: boolean;
  google: Pick<GoogleAuth, 'authorizationUrl' | 'exchangeCode' | 'verifyIdToken'>;
  /** Revokes a replaced account's token at Google (parked for retry on failure); a new grant supersedes parked ones. */
  revocations: Pick<Revocations, 'revokeNowOrLater' | 'supersede'>;
  accessTokens: Pick<AccessTokens, 'forget'>;
  /**
   * `ended`: another account replaces this one, its watch and pending confirmations stop while its token still
   * works. `connected`: pending confirmations of before are void. `notificationsGranted`: the watch starts.
   */
  events: ConnectionEvents;
  notices: Notices;
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
        .catch((cause: unknown) => {
          throw connectErrors.fail('exchange_failed', 'code exchange refused', { cause });
        });
      if (!grant.idToken) throw connectErrors.fail('id_token_missing', 'token response without an ID token');
      const identity = await deps.google.verifyIdToken(grant.idToken);
      // An unverified address may belong to someone else: it must never become the From of sent mail.
      if (!identity.emailVerified) {
        // Google issued a grant all the same: revoke it (one bounded attempt, parked retries) rather than
        // leave an unused grant on the account; a grant a connection of this account relies on is kept.
        await deps.revocations
          .revokeNowOrLater({
            teamId: attempt.teamId,
            userId: attempt.userId,
            googleSub: identity.sub,
            // Google's revoke endpoint takes either token; both end the same grant.
            refreshToken: grant.refreshToken ?? grant.accessToken,
          })
          .catch(() => undefined);
        throw connectErrors.fail('email_unverified', 'Google account email not verified');
      }
      // Only Google's token response says what was granted; the callback URL is the browser's to change.
      const granted = grant.scopes;
      const existing = await deps.connections.findByUser(attempt.teamId, attempt.userId);
      const active = existing?.status === 'active' || existing?.status === 'invalid' ? existing : undefined;
      requireScopes({ purpose: attempt.purpose, granted, notifyScope: deps.notifyScope, active, identity });
      // Refused early when someone holds the account (unless shared); the write decides again under its lock.
      await checkHolders(deps, attempt, identity);
      const sameAccount = active?.googleSub === identity.sub;
      let refreshToken = grant.refreshToken;
      if (!refreshToken) {
        // Google may omit the refresh token for an account that already granted offline access.
        if (!sameAccount || active?.status !== 'active' || !active.sealedToken) {
          throw connectErrors.fail('refresh_token_missing', 'no refresh token and none to keep');
        }
        refreshToken = deps.sealer.openString(active.sealedToken, tokenContext(active.teamId, active.userId));
      }
      const replaced = active && !sameAccount ? active : undefined;
      const oldToken = replaced?.sealedToken ? openQuietly(deps.sealer, replaced) : undefined;
      // A shared write is never refused: the old connection ends first, while its row still holds its token
      // (users.stop then reaches the old account, not one others may be watching).
      if (replaced && deps.allowSharedMailboxes) await deps.events.emit('ended', replaced);
      const connection = await storeConnection(deps, {
        teamId: attempt.teamId,
        userId: attempt.userId,
        googleSub: identity.sub,
        email: identity.email,
        scopes: [...new Set(granted)],
        sealed: deps.sealer.seal(refreshToken, tokenContext(attempt.teamId, attempt.userId)),
        now,
      });
      // Alone, only once the write succeeded: a connect that lost the account to a parallel one leaves the
      // person's current connection, its previews and notifications untouched.
      if (replaced && !deps.allowSharedMailboxes) await deps.events.emit('ended', replaced);
      // Revoking one token revokes every token of that account for this client, so only a different
      // account's token is revoked; reconnecting the same account keeps its grant alive.
      if (replaced && oldToken)
        await deps.revocations.revokeNowOrLater({
          teamId: replaced.teamId,
          userId: replaced.userId,
          googleSub: replaced.googleSub,
          refreshToken: oldToken,
        });
      deps.accessTokens.forget(connection.id);
      await deps.revocations.supersede(connection.googleSub);
      // A notifications grant adds a scope to the same account: confirmations already shown stay valid.
      await deps.events.emit(
        attempt.purpose === 'notifications' ? 'notificationsGranted' : 'connected',
        connection,
      );
      await deps.audit.record({
        teamId: attempt.teamId,
        userId: attempt.userId,
        kind: 'connect',
        result: 'success',
        reason: replaced ? 'replaced_account' : sameAccount ? 'reconnected_same_account' : attempt.purpose,
      });
      const notice = { kind: 'connected', purpose: attempt.purpose, email: identity.email } as const;
      await deps.notices.tell(attempt.teamId, attempt.userId, notice).catch(() => undefined);
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
