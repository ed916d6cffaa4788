import { AppError, isAppError } from '../../../shared/errors';
import type { Clock } from '../../../shared/clock';
import type { Sealer } from '../../../shared/crypto';
import type { Connection, ConnectionRepo } from '../connection-store';
import { tokenContext } from '../connection-store';
import type { TokenGrant } from '../../../shared/google-oauth';

const EARLY_REFRESH_MS = 60_000;

export interface AccessTokenDeps {
  connections: ConnectionRepo;
  sealer: Sealer;
  oauth: { refresh(refreshToken: string): Promise<TokenGrant> };
  clock: Clock;
  /** Called once, by whoever moved the connection from active to invalid. */
  onInvalid(connection: Connection): Promise<void>;
}

export interface AccessToken {
  accessToken: string;
  connection: Connection;
}

/**
 * Access tokens on demand: cached in memory until a minute before expiry, refreshed through Google,
 * rotated refresh tokens persisted, `invalid_grant` turning the connection invalid. Concurrent
 * callers for one connection share a single refresh, so a rotating grant is never spent twice.
 */
export function createAccessTokens(deps: AccessTokenDeps) {
  // Keyed by connection, valid only for the grant it came from: `connectedAt` changes on every
  // (re)connect, so a token cached before another machine's reconnect or scope grant is not reused.
  const cache = new Map<string, { token: string; expiresAt: number; grant: string }>();
  const grantOf = (c: Connection) => `${c.googleSub}|${c.connectedAt.getTime()}`;
  const inFlight = new Map<string, Promise<AccessToken>>();

  /** Opens a connection's refresh token; a bad key or tampered row fails for this connection only. */
  function openRefreshToken(connection: Connection): string {
    if (!connection.sealedToken) {
      throw new AppError('not_connected', 'this connection holds no token', { httpStatus: 409 });
    }
    try {
      return deps.sealer.openString(
        connection.sealedToken,
        tokenContext(connection.teamId, connection.userId),
      );
    } catch (err) {
      const code = isAppError(err) ? err.code : 'sealed_data_corrupt';
      throw new AppError(
        code,
        `connection ${connection.id}: ${err instanceof Error ? err.message : String(err)}`,
        {
          httpStatus: 500,
          cause: err,
        },
      );
    }
  }

  async function refresh(connection: Connection): Promise<AccessToken> {
    const refreshToken = openRefreshToken(connection);
    let grant: TokenGrant;
    try {
      grant = await deps.oauth.refresh(refreshToken);
    } catch (err) {
      if (isAppError(err) && err.code === 'invalid_grant') {
        cache.delete(connection.id);
        if (
          await deps.connections.markInvalid(
            connection.id,
            { googleSub: connection.googleSub, sealed: connection.sealedToken },
            deps.clock.now(),
          )
        ) {
          await deps.onInvalid({ ...connection, status: 'invalid' });
        }
        throw new AppError(
          'connection_invalid',
          'the Gmail connection is no longer valid; reconnect with /ai-email-connect',
          {
            httpStatus: 409,
            cause: err,
          },
        );
      }
      throw err;
    }
    if (grant.refreshToken && grant.refreshToken !== refreshToken) {
      const sealed = deps.sealer.seal(grant.refreshToken, tokenContext(connection.teamId, connection.userId));
      await deps.connections.replaceToken(connection.id, connection.googleSub, sealed);
    }
    cache.set(connection.id, {
      token: grant.accessToken,
      expiresAt: grant.expiresAt.getTime(),
      grant: grantOf(connection),
    });
    return { accessToken: grant.accessToken, connection };
  }

  return {
    openRefreshToken,
    async forConnection(connectionId: string): Promise<AccessToken> {
      const connection = await deps.connections.findById(connectionId);
      if (!connection || connection.status === 'revoked') {
        throw new AppError('not_connected', 'Gmail is not connected; run /ai-email-connect', {
          httpStatus: 409,
        });
      }
      if (connection.status === 'invalid') {
        throw new AppError(
          'connection_invalid',
          'the Gmail connection is no longer valid; reconnect with /ai-email-connect',
          {
            httpStatus: 409,
          },
        );
      }
      const cached = cache.get(connectionId);
      if (
        cached &&
        cached.grant === grantOf(connection) &&
        cached.expiresAt - EARLY_REFRESH_MS > deps.clock.now().getTime()
      ) {
        return { accessToken: cached.token, connection };
      }
      const pending = inFlight.get(connectionId);
      if (pending) return pending;
      const promise = refresh(connection).finally(() => inFlight.delete(connectionId));
      inFlight.set(connectionId, promise);
      return promise;
    },
    /** Forget a cached access token (after a 401, a disconnect or a reconnect). */
    forget(connectionId: string): void {
      cache.delete(connectionId);
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
