import type { ConnectionReactions } from './modules/connect/connection-events';
import type { ConnectModule } from './modules/connect';
import type { SendModule } from './modules/send';
import type { NotifyModule } from './modules/notify';

/**
 * Everything a change of connection sets off in the other modules, in the order it runs. A failing reaction
 * is logged and the next one still runs.
 */
export const connectionReactions = (m: {
  connect: ConnectModule;
  send: SendModule;
  notify: NotifyModule;
}): ConnectionReactions => ({
  connected: [(c) => m.send.cancelOpen(c, 'connection_changed')],
  notificationsGranted: [(c) => m.notify.start(c)],
  ended: [(c) => m.send.cancelOpen(c, 'disconnected'), (c) => m.notify.connectionEnded(c)],
  invalid: [(c) => m.connect.tellInvalid(c), (c) => m.notify.connectionInvalid(c)],
});
