import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RefreshHome } from '../../shared/home-refresh';
import { errorSummary } from '../../shared/logger';
import type { HomeRefresh } from './domain/refresh-home';
import { createHomeVisits } from './home-visits';

export const REFRESH_JOB = 'refresh';
const payload = z.object({ teamId: z.string().min(1).max(40), userId: z.string().min(1).max(40) });

/**
 * Asks for a publish of one person's Home after HOME_REFRESH_DELAY_MS. One deduplication id per
 * person (keepLastIfActive): a burst of changes while the job waits makes one publish, and a change
 * while it publishes queues exactly one more, so the last change is always shown.
 *
 * A person who never opened their Home gets no job (one key read instead of a job's four scripts):
 * the change is already stored when this is called, so a first visit after the read publishes it.
 */
export function homeRefresher(
  app: Pick<FastifyInstance, 'queues' | 'config' | 'log' | 'redis'>,
): RefreshHome {
  const log = app.log.child({ component: 'home' });
  const visits = createHomeVisits(app.redis, app.config.REDIS_KEY_PREFIX);
  const enqueue = (teamId: string, userId: string) =>
    app.queues.home.add(
      REFRESH_JOB,
      { teamId, userId },
      {
        delay: app.config.HOME_REFRESH_DELAY_MS,
        attempts: 3,
        backoff: { type: 'exponential', delay: 1_000 },
        deduplication: { id: `home:${teamId}:${userId}`, keepLastIfActive: true },
      },
    );
  return (teamId, userId) => {
    void visits
      .hasOpened(teamId, userId)
      .then(async (opened) => {
        if (opened) await enqueue(teamId, userId);
      })
      .catch((err: unknown) =>
        log.warn({ err: errorSummary(err), teamId, userId }, 'home refresh not queued'),
      );
  };
}

export function registerHomeJobs(app: FastifyInstance, deps: { home: HomeRefresh; log: Logger }) {
  app.jobs.handle('home', REFRESH_JOB, payload, async ({ teamId, userId }) => {
    const result = await deps.home.refresh(teamId, userId);
    deps.log.debug({ teamId, userId, result }, 'home refresh');
    return result;
  });
}
