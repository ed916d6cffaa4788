import type { ConnectModule } from '../connect';
import type { SendModule } from '../send';
import type { NotifyModule } from '../notify';

/** What App Home uses of the other modules. */
export interface HomeNeeds {
  connect: Pick<ConnectModule, 'connections' | 'mailboxes' | 'prompt' | 'disconnect'>;
  send: Pick<SendModule, 'recent'>;
  /** `rules` when notify offers notification rules: their summary in words and the button opening their editor. */
  notify: Pick<NotifyModule, 'switchNotifications'> & { rules?: RulesForHome };
}

export interface RulesForHome {
  summary(teamId: string, userId: string): Promise<string[]>;
  editButton(teamId: string, userId: string): { action_id: string; value: string };
}
