import type { RefreshHome } from '../../shared/home-refresh';
import type { DraftEdits } from './domain/edit-ports';
import type { DraftStore } from './domain/ports';

/**
 * The draft store, telling the owner's App Home after each change of status it lists (staged, sent,
 * cancelled, expired, failed...) and each saved edit (new recipients or subject). The owner is looked up after the change, off the caller's path; a
 * failed look-up only leaves the Home as it was.
 */
export function homeRefreshing<S extends DraftStore & DraftEdits>(store: S, refreshHome: RefreshHome): S {
  return {
    ...store,
    async create(d, content) {
      await store.create(d, content);
      refreshHome(d.teamId, d.userId);
    },
    async edit(d, content, at) {
      const edited = await store.edit(d, content, at);
      if (edited) refreshHome(d.teamId, d.userId);
      return edited;
    },
    async transition(id, from, to, patch, guard) {
      const moved = await store.transition(id, from, to, patch, guard);
      if (moved) {
        void store
          .findById(id)
          .then((d) => d && refreshHome(d.teamId, d.userId))
          .catch(() => undefined);
      }
      return moved;
    },
  };
}
