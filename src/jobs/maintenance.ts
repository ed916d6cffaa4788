import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { createTriggerRepo } from '../persistence/trigger-repo';
import { triggerCutoff } from '../domain/triggers/record-trigger';
import { createPairingRepo } from '../persistence/pairing-repo';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Periodic clean-up: trigger rows past their retention window, old pairings. */
export function registerMaintenanceJobs(app: FastifyInstance) {
  const triggers = createTriggerRepo(app.prisma);
  const pairings = createPairingRepo(app.prisma);
  app.jobs.handle('maintenance', 'purge-triggers', z.object({}).passthrough(), async () => {
    const now = new Date();
    const purged = await triggers.purgeOlderThan(triggerCutoff(now));
    // Spent or expired pairings (and their OAuth attempts, by cascade) are kept a day for support questions.
    const pairingsPurged = await pairings.purgeExpired(new Date(now.getTime() - DAY_MS));
    app.log.info({ purged, pairingsPurged }, 'purged old trigger rows and pairings');
    return { purged, pairingsPurged };
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
