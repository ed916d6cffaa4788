import type { ConnectModule } from '../connect';
import type { SendModule } from '../send';
import type { NotifyModule } from '../notify';

/** What App Home uses of the other modules. */
export interface HomeNeeds {
  connect: Pick<ConnectModule, 'connections' | 'mailboxes' | 'prompt' | 'disconnect'>;
  send: Pick<SendModule, 'recent'>;
  notify: Pick<NotifyModule, 'switchNotifications'>;
  /** The notification rules: a summary in words, and the button that opens their editor. */
  rules?: {
    summary(teamId: string, userId: string): Promise<string[]>;
    editButton(teamId: string, userId: string): { action_id: string; value: string };
  };
}
