import type { Clock } from '../../../shared/clock';
import type { Sealer } from '../../../shared/crypto';
import { errorMessage } from '../../../shared/errors';
import { connectErrors } from './errors';
import type { ConnectionStore, GoogleAuth } from './ports';
import { tokenContext, type Connection, type TokenGrant } from './types';

const EARLY_REFRESH_MS = 60_000;

export interface AccessTokenDeps {
  connections: ConnectionStore;
  sealer: Sealer;
  google: Pick<GoogleAuth, 'refresh'>;
  clock: Clock;
  /** Called once, by whoever moved the connection from active to invalid. */
  onInvalid(connection: Connection): Promise<void>;
}

export interface AccessToken {
  accessToken: string;
  connection: Connection;
}

const invalid = (cause?: unknown) =>
  connectErrors.fail(
    'connection_invalid',
    'the Gmail connection is no longer valid; reconnect with /ai-email-connect',
    { cause },
  );

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
    if (!connection.sealedToken) throw connectErrors.fail('not_connected', 'this connection holds no token');
    try {
      return deps.sealer.openString(
        connection.sealedToken,
        tokenContext(connection.teamId, connection.userId),
      );
    } catch (err) {
      const code = connectErrors.is(err) ? err.code : 'sealed_data_corrupt';
      throw connectErrors.fail(code, `connection ${connection.id}: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** invalid_grant: the connection turns invalid, and whoever made that transition reports it once. */
  async function markInvalid(connection: Connection, cause: unknown): Promise<never> {
    cache.delete(connection.id);
    const failed = { googleSub: connection.googleSub, sealed: connection.sealedToken };
    if (await deps.connections.markInvalid(connection.id, failed, deps.clock.now())) {
      await deps.onInvalid({ ...connection, status: 'invalid' });
    }
    throw invalid(cause);
  }

  async function refresh(connection: Connection): Promise<AccessToken> {
    const refreshToken = openRefreshToken(connection);
    let grant: TokenGrant;
    try {
      grant = await deps.google.refresh(refreshToken);
    } catch (err) {
      if (connectErrors.is(err) && err.code === 'invalid_grant') return markInvalid(connection, err);
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
        throw connectErrors.fail('not_connected', 'Gmail is not connected; run /ai-email-connect');
      }
      if (connection.status === 'invalid') throw invalid();
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
