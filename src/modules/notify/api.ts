import type { ConnectionView } from './domain/ports';

/** What the other modules use of notify. */
export interface NotifyModule {
  /** The person granted the notification scope: start the watch and tell them. */
  start(connection: ConnectionView): Promise<void>;
  connectionEnded(connection: ConnectionView): Promise<void>;
  connectionInvalid(connection: ConnectionView): Promise<void>;
}
