import type { Clock } from '../../../shared/clock';
import type { HomePublisher, HomeSources, HomeVisits } from './ports';
import type { HomeState } from './types';

/** The Home lists this many of the person's most recent emails. */
export const RECENT_EMAILS = 20;

export interface RefreshDeps {
  sources: HomeSources;
  publisher: HomePublisher;
  visits: HomeVisits;
  clock: Clock;
}

/**
 * Publishing reads everything at publish time, so a refresh that runs after a burst of changes shows
 * all of them: refreshes may be coalesced freely, never reordered into a stale view.
 */
export function createHomeRefresh(deps: RefreshDeps) {
  const { sources } = deps;

  async function stateOf(teamId: string, userId: string): Promise<HomeState> {
    const [connection, emails, rules] = await Promise.all([
      sources.connection(teamId, userId),
      sources.recentEmails(teamId, userId, RECENT_EMAILS),
      sources.rules?.(teamId, userId),
    ]);
    const live = connection && connection.status !== 'revoked' ? connection : undefined;
    const mailbox = live ? await sources.mailbox(live.id) : undefined;
    return { teamId, userId, connection: live, mailbox, rules, emails };
  }

  const publish = async (teamId: string, userId: string) =>
    deps.publisher.publish(await stateOf(teamId, userId));

  return {
    /** The person opened their Home: remember it (later changes keep it current) and publish now. */
    async opened(teamId: string, userId: string): Promise<void> {
      await deps.visits.recordOpened(teamId, userId, deps.clock.now());
      await publish(teamId, userId);
    },
    /** Something changed: publish, unless the person never opened their Home (nobody would see it). */
    async refresh(teamId: string, userId: string): Promise<'published' | 'never_opened'> {
      if (!(await deps.visits.hasOpened(teamId, userId))) return 'never_opened';
      await publish(teamId, userId);
      return 'published';
    },
  };
}

export type HomeRefresh = ReturnType<typeof createHomeRefresh>;
