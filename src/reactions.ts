import type { ConnectionReactions } from './modules/connect/connection-events';
import type { ConnectModule } from './modules/connect';
import type { SendModule } from './modules/send';
import type { NotifyModule } from './modules/notify';
import type { RefreshHome } from './shared/home-refresh';

/**
 * Everything a change of connection sets off in the other modules, in the order it runs. A failing reaction
 * is logged and the next one still runs.
 */
export const connectionReactions = (m: {
  connect: ConnectModule;
  send: SendModule;
  notify: NotifyModule;
  /** Absent where no App Home is built. */
  refreshHome?: RefreshHome;
}): ConnectionReactions => {
  // Last in each list: the person's App Home shows what the reactions before it changed.
  const home = async (c: { teamId: string; userId: string }) => m.refreshHome?.(c.teamId, c.userId);
  return {
    connected: [(c) => m.send.cancelOpen(c, 'connection_changed'), home],
    notificationsGranted: [(c) => m.notify.start(c), home],
    ended: [(c) => m.send.cancelOpen(c, 'disconnected'), (c) => m.notify.connectionEnded(c), home],
    invalid: [(c) => m.connect.tellInvalid(c), (c) => m.notify.connectionInvalid(c), home],
  };
};
