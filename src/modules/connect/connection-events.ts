import type { Logger } from 'pino';
import { errorSummary } from '../../shared/logger';
import type { ConnectionEvents as EmitChanges } from './domain/ports';
import type { Connection, ConnectionChange } from './domain/types';

export type ConnectionReaction = (connection: Connection) => Promise<void>;
export type ConnectionReactions = Readonly<Record<ConnectionChange, readonly ConnectionReaction[]>>;

export interface ConnectionEvents extends EmitChanges {
  /** Installs the reactions, once, when every module is built (before the app serves anything). */
  react(reactions: ConnectionReactions): void;
}

/**
 * Runs each change's reactions in order, one after the other. A change emitted before the reactions are
 * installed is a wiring defect: it is refused rather than silently left without its reactions.
 */
export function createConnectionEvents(log: Logger): ConnectionEvents {
  let reactions: ConnectionReactions | undefined;
  return {
    react(r) {
      if (reactions) throw new Error('connection reactions are installed once');
      reactions = r;
    },
    async emit(change, connection) {
      if (!reactions)
        throw new Error(`connection change ${change} emitted before its reactions were installed`);
      for (const reaction of reactions[change]) {
        // One failing reaction must not stop the others (e.g. Slack down while stopping a watch).
        await reaction(connection).catch((err: unknown) =>
          log.error(
            { err: errorSummary(err), change, connectionId: connection.id },
            'connection reaction failed',
          ),
        );
      }
    },
  };
}
