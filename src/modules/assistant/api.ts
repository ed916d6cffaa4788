import type { ConnectModule } from '../connect';
import type { SendModule } from '../send';
import type { TriggersModule } from '../triggers';

/** What the assistant's interfaces (MCP, function calling) use of the other modules. */
export interface AssistantNeeds {
  send: Pick<SendModule, 'stage' | 'status'>;
  triggers: Pick<TriggersModule, 'findByTs'>;
  connect: Pick<ConnectModule, 'connections' | 'mailboxes'>;
}
