import type { Clock } from '../../../shared/clock';
import type { AccessTokens } from './access-tokens';
import type { AuditLog, ConnectionEvents, ConnectionStore } from './ports';
import type { RevocationOutcome, Revocations } from './revocations';

export interface DisconnectDeps {
  connections: ConnectionStore;
  audit: AuditLog;
  clock: Clock;
  revocations: Pick<Revocations, 'revokeNowOrLater'>;
  accessTokens: Pick<AccessTokens, 'openRefreshToken' | 'forget'>;
  /** `ended` stops the watch, turns notifications off and invalidates pending confirmations. */
  events: ConnectionEvents;
}

export type DisconnectResult =
  | { status: 'not_connected' }
  | { status: 'disconnected'; email: string; revocation: RevocationOutcome | 'token_unreadable' };

export function createDisconnect(deps: DisconnectDeps) {
  return async function disconnect(teamId: string, userId: string): Promise<DisconnectResult> {
    const connection = await deps.connections.findByUser(teamId, userId);
    if (!connection || connection.status === 'revoked') return { status: 'not_connected' };
    let token: string | undefined;
    try {
      token = connection.sealedToken ? deps.accessTokens.openRefreshToken(connection) : undefined;
    } catch {
      // An unreadable token cannot be revoked, but the user must still be able to disconnect.
      token = undefined;
    }
    // Work tied to the grant stops while the token still works (users.stop needs it).
    await deps.events.emit('ended', connection);
    await deps.connections.markRevoked(connection.id, deps.clock.now());
    deps.accessTokens.forget(connection.id);
    const revocation = token
      ? await deps.revocations.revokeNowOrLater({
          teamId,
          userId,
          googleSub: connection.googleSub,
          refreshToken: token,
        })
      : 'token_unreadable';
    await deps.audit.record({ teamId, userId, kind: 'disconnect', result: 'success', reason: revocation });
    return { status: 'disconnected', email: connection.email, revocation };
  };
}

export type Disconnect = ReturnType<typeof createDisconnect>;
