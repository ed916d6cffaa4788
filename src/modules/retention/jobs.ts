import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Purges } from './domain/purge';

const HOUR_MS = 3_600_000;
const EMPTY = z.object({}).passthrough();

/** Hourly clean-up: old trigger rows and pairings, finished drafts' content, old audit rows. */
export function registerRetentionJobs(app: FastifyInstance, purges: Purges) {
  app.jobs.handle('maintenance', 'purge-triggers', EMPTY, async () => {
    const result = await purges.purgeTriggers();
    app.log.info(result, 'purged old trigger rows and pairings');
    return result;
  });
  app.jobs.handle('maintenance', 'purge-retention', EMPTY, async () => {
    const result = await purges.purgeRetention();
    app.log.info(result, 'purged finished drafts content and old audit rows');
    return result;
  });
  app.jobs.onStart(async () => {
    // Job schedulers are idempotent upserts: every machine may run this, the schedule exists once.
    for (const name of ['purge-triggers', 'purge-retention']) {
      await app.queues.maintenance.upsertJobScheduler(name, { every: HOUR_MS }, { name, data: {} });
    }
  });
}
