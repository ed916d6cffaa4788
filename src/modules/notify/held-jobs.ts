import { z } from 'zod';
import type { Job } from 'bullmq';
import { isPostInFlight, isTransient } from './domain/failures';
import { deferForRetryAfter } from './jobs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { DigestDelivery, HeldStore } from './domain/held-delivery';

export const DIGEST_JOB = 'deliver-held';
export const HELD_SWEEP_JOB = 'sweep-held';

/** How often held mail whose digest job went missing is looked for. */
const HELD_SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 500;
/** Bound on the waits for posts in flight, so a job cannot go back to delayed forever. */
const MAX_IN_FLIGHT_WAITS = 20;

const digestPayload = z.object({ mailboxId: z.uuid(), until: z.iso.datetime() });

/**
 * The digest of one mailbox's window: a delayed job whose id names the mailbox and the window's due
 * time, so scheduling it again (each held batch, the sweep, a retried sync) adds nothing twice.
 * Finished jobs are removed, so a sweep after a lost or failed one can add it again.
 */
export function createDigestScheduler(app: Pick<FastifyInstance, 'config' | 'queues' | 'clock'>) {
  return async (mailboxId: string, dueAt: Date): Promise<void> => {
    await app.queues.notify.add(
      DIGEST_JOB,
      { mailboxId, until: dueAt.toISOString() },
      {
        jobId: `digest-${mailboxId}-${dueAt.getTime()}`,
        delay: Math.max(0, dueAt.getTime() - app.clock.now().getTime()),
        attempts: app.config.NOTIFY_RETRY_ATTEMPTS + 1,
        backoff: { type: 'exponential', delay: app.config.NOTIFY_RETRY_BASE_MS, jitter: 0.2 },
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  };
}

/** A post that may still land (after a crash) is waited for without spending an attempt. */
const waitForPostInFlight = (job: Job, err: unknown) =>
  deferForRetryAfter(job, err, MAX_IN_FLIGHT_WAITS, () => isPostInFlight(err));

export function registerHeldJobs(
  app: FastifyInstance,
  deps: {
    deliver: DigestDelivery;
    /** Slack refused for good or the last attempt failed (see giveUpDigest). */
    giveUp: (mailboxId: string, until: Date, err: unknown) => Promise<void>;
    held: Pick<HeldStore, 'overdue'>;
    scheduleDigest: (mailboxId: string, dueAt: Date) => Promise<void>;
    log: Logger;
  },
) {
  app.jobs.handle('notify', DIGEST_JOB, digestPayload, async (data, { job }) => {
    try {
      return await deps.deliver(data.mailboxId, new Date(data.until));
    } catch (err) {
      await waitForPostInFlight(job, err);
      const permanent = !isTransient(err);
      if (permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
        await deps.giveUp(data.mailboxId, new Date(data.until), err);
      if (permanent) return { delivered: 0, gaveUp: true };
      throw err;
    }
  });
  app.jobs.handle('notify', HELD_SWEEP_JOB, z.object({}).passthrough(), async () => {
    const overdue = await deps.held.overdue(app.clock.now(), SWEEP_BATCH);
    for (const o of overdue) await deps.scheduleDigest(o.mailboxId, o.dueAt);
    return { rescheduled: overdue.length };
  });
  app.jobs.onStart(async () => {
    await app.queues.notify.upsertJobScheduler(
      'notify-held-sweep',
      { every: HELD_SWEEP_EVERY_MS },
      { name: HELD_SWEEP_JOB, data: {} },
    );
  });
}
