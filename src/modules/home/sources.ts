import type { webApi } from '@slack/bolt';
import { READ_SCOPES, SCOPES } from '../../shared/google-scopes';
import type { HomePublisher, HomeSources } from './domain/ports';
import type { HomeEmail } from './domain/types';
import type { HomeNeeds } from './api';
import { homeView } from './blocks';
import type { ViewOptions } from './view-parts';

/** The other modules' state, read through their APIs, in the Home's terms. */
export function createHomeSources(m: HomeNeeds): HomeSources {
  return {
    async connection(teamId, userId) {
      const c = await m.connect.connections.findByUser(teamId, userId);
      if (!c) return undefined;
      const { id, email, status, connectedAt, scopes } = c;
      const canSend = scopes.includes(SCOPES.send);
      return {
        id,
        email,
        status,
        connectedAt,
        canSend,
        canRead: scopes.some((s) => READ_SCOPES.includes(s)),
      };
    },
    async mailbox(connectionId) {
      const s = await m.connect.mailboxes.find(connectionId);
      return (
        s && {
          enabled: s.enabled,
          state: s.state,
          watchExpiresAt: s.watchExpiresAt,
          lastNotifiedAt: s.lastNotifiedAt,
        }
      );
    },
    // send names statuses as the tool API does, the same names as HomeEmailStatus.
    recentEmails: async (teamId, userId, take) => (await m.send.recent(teamId, userId, take)) as HomeEmail[],
    ...(m.notify.rules ? { rules: m.notify.rules.summary } : {}),
  };
}

/** views.publish for the Home's owner; the view is built from the state at publish time. */
export function createHomePublisher(client: webApi.WebClient, options: ViewOptions): HomePublisher {
  return {
    async publish(state) {
      // The view is Block Kit built by blocks.ts; the client's View type does not follow KnownBlock.
      await client.views.publish({ user_id: state.userId, view: homeView(state, options) as never });
    },
  };
}
