import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { createTriggerRepo } from '../triggers/trigger-store';
import { triggerCutoff } from '../triggers/domain/record-trigger';
import { createPairingRepo } from '../connect/pairing-store';
import { createRetentionRepo } from './retention-store';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Rows per statement, and statements per run: a backlog drains over several hourly runs, never in one long job. */
const RETENTION_BATCH = 500;
const RETENTION_MAX_BATCHES = 40;

async function inBatches(step: (batch: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < RETENTION_MAX_BATCHES; i += 1) {
    const done = await step(RETENTION_BATCH);
    total += done;
    if (done < RETENTION_BATCH) break;
  }
  return total;
}

/** Periodic clean-up: old trigger rows and pairings, finished drafts' content, old audit rows. */
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
  const retention = createRetentionRepo(app.prisma);
  app.jobs.handle('maintenance', 'purge-retention', z.object({}).passthrough(), async () => {
    const now = Date.now();
    const draftCutoff = new Date(now - app.config.DRAFT_RETENTION_DAYS * DAY_MS);
    const auditCutoff = new Date(now - app.config.AUDIT_RETENTION_DAYS * DAY_MS);
    const draftsPurged = await inBatches((batch) => retention.purgeDraftContent(draftCutoff, batch));
    const auditPurged = await inBatches((batch) => retention.purgeAudit(auditCutoff, batch));
    app.log.info({ draftsPurged, auditPurged }, 'purged finished drafts content and old audit rows');
    return { draftsPurged, auditPurged };
  });
  app.jobs.onStart(async () => {
    // Job schedulers are idempotent upserts: every machine may run this, the schedule exists once.
    await app.queues.maintenance.upsertJobScheduler(
      'purge-triggers',
      { every: HOUR_MS },
      { name: 'purge-triggers', data: {} },
    );
    await app.queues.maintenance.upsertJobScheduler(
      'purge-retention',
      { every: HOUR_MS },
      { name: 'purge-retention', data: {} },
    );
  });
}
