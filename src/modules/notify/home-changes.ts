import type { RefreshHome } from '../../shared/home-refresh';
import type { MailboxStore } from './domain/ports';

/**
 * The mailbox store, telling the owner's App Home after each change it shows: notifications turned on
 * or off, a sync that delivered notifications (the time of the last one), the watch's health and
 * expiry (a renewal). Where the change does not say whose mailbox it is, the owner is looked up after
 * it, off the caller's path; a failed look-up leaves the Home as it was.
 */
export function homeRefreshing<S extends MailboxStore>(store: S, refreshHome: RefreshHome): S {
  const refreshOwnerOf = (id: string) =>
    void store
      .findById(id)
      .then((m) => m && refreshHome(m.teamId, m.userId))
      .catch(() => undefined);
  return {
    ...store,
    async enable(p) {
      const mailbox = await store.enable(p);
      refreshHome(p.connection.teamId, p.connection.userId);
      return mailbox;
    },
    async disable(connectionId, state, problem) {
      const result = await store.disable(connectionId, state, problem);
      if (result) refreshOwnerOf(result.id);
      return result;
    },
    // The sync records the time of the last notification when it ends (and may say whose mailbox it is).
    async recordSync(id, p) {
      const owner = await store.recordSync(id, p);
      if (p.notified && owner) refreshHome(owner.teamId, owner.userId);
      else if (p.notified) refreshOwnerOf(id);
      return owner;
    },
    // A renewed watch: a later expiry, and a lapsed watch healthy again.
    async recordWatch(id, watchExpiresAt) {
      await store.recordWatch(id, watchExpiresAt);
      refreshOwnerOf(id);
    },
    async setState(id, state, problem) {
      await store.setState(id, state, problem);
      refreshOwnerOf(id);
    },
    // The statement says whose mailboxes it marked: no look-up each.
    async lapseExpired(ids, now) {
      const lapsed = await store.lapseExpired(ids, now);
      const owners = new Map(lapsed.map((m) => [`${m.teamId}:${m.userId}`, m]));
      for (const { teamId, userId } of owners.values()) refreshHome(teamId, userId);
      return lapsed;
    },
  };
}
