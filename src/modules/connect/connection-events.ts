import type { Logger } from 'pino';
import type { Connection } from './connection-store';

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

export type ConnectionReaction = (connection: Connection) => Promise<void>;
export type ConnectionReactions = Readonly<Record<ConnectionChange, readonly ConnectionReaction[]>>;

export interface ConnectionEvents {
  /** Installs the reactions (once, when every module is built); until then changes have no reactions. */
  react(reactions: ConnectionReactions): void;
  emit(change: ConnectionChange, connection: Connection): Promise<void>;
}

export function createConnectionEvents(log: Logger): ConnectionEvents {
  let reactions: ConnectionReactions | undefined;
  return {
    react(r) {
      if (reactions) throw new Error('connection reactions are installed once');
      reactions = r;
    },
    async emit(change, connection) {
      for (const reaction of reactions?.[change] ?? []) {
        // One failing reaction must not stop the others (e.g. Slack down while stopping a watch).
        await reaction(connection).catch((err: unknown) =>
          log.error({ err, change, connectionId: connection.id }, 'connection reaction failed'),
        );
      }
    },
  };
}
