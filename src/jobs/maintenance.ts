import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { createTriggerRepo } from '../persistence/trigger-repo';
import { triggerCutoff } from '../domain/triggers/record-trigger';

const HOUR_MS = 3_600_000;

/** Periodic clean-up: trigger rows older than the retention window are purged. */
export function registerMaintenanceJobs(app: FastifyInstance) {
  const triggers = createTriggerRepo(app.prisma);
  app.jobs.handle('maintenance', 'purge-triggers', z.object({}).passthrough(), async () => {
    const purged = await triggers.purgeOlderThan(triggerCutoff(new Date()));
    app.log.info({ purged }, 'purged old trigger rows');
    return { purged };
  });
  app.jobs.onStart(async () => {
    // Job schedulers are idempotent upserts: every machine may run this, the schedule exists once.
    await app.queues.maintenance.upsertJobScheduler(
      'purge-triggers',
      { every: HOUR_MS },
      { name: 'purge-triggers', data: {} },
    );
  });
}
