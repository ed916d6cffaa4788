import type { ConnectModule } from '../connect';
import type { TriggersModule } from '../triggers';
import type { SenderConnection } from './domain/ports';

/** What the other modules use of send. */
export interface SendModule {
  /** Cancels the person's open confirmations: they were made for a grant that no longer holds. */
  cancelOpen(connection: SenderConnection, reason: 'connection_changed' | 'disconnected'): Promise<void>;
}

/** What send uses of the other modules. */
export interface SendNeeds {
  connect: Pick<ConnectModule, 'connections' | 'accessTokens' | 'prompt'>;
  triggers: Pick<TriggersModule, 'findByTs'>;
}
