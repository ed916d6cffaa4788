import type { Clock } from '../../../shared/clock';
import type { AuditLog, ConnectionStore, Notices } from './ports';
import type { Connection } from './types';

/** invalid_grant: the refusal is audited every time, and the person is told exactly once how to reconnect. */
export function createTellInvalid(deps: {
  audit: AuditLog;
  connections: ConnectionStore;
  clock: Clock;
  notices: Notices;
}) {
  return async function tellInvalid(connection: Connection): Promise<void> {
    await deps.audit.record({
      teamId: connection.teamId,
      userId: connection.userId,
      kind: 'connection',
      result: 'invalid',
      reason: 'invalid_grant',
    });
    if (await deps.connections.claimInvalidNotice(connection.id, deps.clock.now())) {
      await deps.notices.tell(connection.teamId, connection.userId, {
        kind: 'invalid',
        email: connection.email,
      });
    }
  };
}
