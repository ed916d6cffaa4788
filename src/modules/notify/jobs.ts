import { z } from 'zod';
import { DelayedError, type Job, type Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Sync, SyncResult } from './domain/sync';
import type { Renewal } from './domain/renewal';
import { isPostInFlight, retryAfterMs } from './domain/failures';
import { addPerTick } from './bulk-add';

export const SYNC_JOB = 'sync';
export const RENEW_JOB = 'renew-watch';
export const MAINTAIN_JOB = 'maintain';

const mailboxId = z.uuid();
const syncPayload = z.object({
  mailboxId,
  historyId: z
    .string()
    .regex(/^\d{1,30}$/)
    .optional(),
  recheck: z.boolean().optional(),
});
const renewPayload = z.object({ mailboxId });

export interface NotifyRetry {
  baseMs: number;
  /** Retries after the first attempt (SPEC: 6). */
  retries: number;
}

/** The record of announced messages is kept this long, then purged by the maintenance job. */
const NOTIFIED_RETENTION_MS = 90 * 24 * 3_600_000;

/** Renewals enqueued per Redis round trip. */
const RENEW_BULK = 500;

const retryOf = (config: FastifyInstance['config']): NotifyRetry => ({
  baseMs: config.NOTIFY_RETRY_BASE_MS,
  retries: config.NOTIFY_RETRY_ATTEMPTS,
});

const retryOptions = (r: NotifyRetry) => ({
  attempts: r.retries + 1,
  backoff: { type: 'exponential', delay: r.baseMs, jitter: 0.2 },
});

/**
 * Producers of notify jobs. Syncs share one deduplication id per mailbox in keepLastIfActive mode:
 * at most one sync of a mailbox is active and at most one waits behind it, so bursts coalesce and
 * two syncs of one mailbox never run at once (on any machine). A push that arrives while a sync
 * already waits is folded into it without changing its data, so a job's history id can be older
 * than a push it stands for: a sync skips Gmail only when the highest history id pushed for the
 * address is covered too (domain/covered).
 */
export function createNotifyScheduler(app: Pick<FastifyInstance, 'config' | 'queues'>) {
  const queue: Queue = app.queues.notify;
  const retry = retryOf(app.config);
  const syncJob = (id: string, p: { historyId?: bigint; recheck?: boolean; delayMs?: number }) => ({
    name: SYNC_JOB,
    data: { mailboxId: id, historyId: p.historyId?.toString(), recheck: p.recheck },
    opts: {
      ...retryOptions(retry),
      delay: p.delayMs,
      deduplication: { id: `sync:${id}`, keepLastIfActive: true },
    },
  });
  const addPushed = addPerTick(queue);
  const scheduler = {
    async sync(id: string, p: { historyId?: bigint; recheck?: boolean; delayMs?: number } = {}) {
      const job = syncJob(id, p);
      await queue.add(job.name, job.data, job.opts);
    },
    /** Watch renewals go to the `watch` queue, whose limiter paces users.watch across machines. */
    async renew(ids: string[]): Promise<void> {
      for (let i = 0; i < ids.length; i += RENEW_BULK) {
        await app.queues.watch.addBulk(
          ids.slice(i, i + RENEW_BULK).map((id) => ({
            name: RENEW_JOB,
            data: { mailboxId: id },
            opts: { ...retryOptions(retry), deduplication: { id: `renew:${id}` } },
          })),
        );
      }
    },
    /** A push announced `historyId` for this mailbox; the pushes of one event-loop round share one addBulk. */
    afterPush: (id: string, historyId: bigint) => addPushed(syncJob(id, { historyId })),
    /** The one delayed look after a push that history did not show yet. */
    recheck: (id: string, historyId: bigint) =>
      scheduler.sync(id, { historyId, recheck: true, delayMs: app.config.NOTIFY_RECHECK_DELAY_MS }),
  };
  return scheduler;
}

export type NotifyScheduler = ReturnType<typeof createNotifyScheduler>;

const isFinalAttempt = (job: Job) => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

/**
 * Honours Retry-After from Gmail or Slack when it asks for more than the exponential backoff would
 * wait, and a post still in flight (which names the instant it settles) always: the job goes back
 * to delayed without spending an attempt, bounded by the attempt budget.
 */
async function deferIfAsked(job: Job, err: unknown, retry: NotifyRetry): Promise<void> {
  await deferForRetryAfter(
    job,
    err,
    retry.retries + 1,
    (wait) => isPostInFlight(err) || wait > retry.baseMs * 2 ** job.attemptsMade,
  );
}

/**
 * When `err` names how long to wait (Retry-After, a post in flight) and `worth` it, the job goes back
 * to delayed for that long without spending an attempt, while it has started at most `maxStarts` times.
 */
export async function deferForRetryAfter(
  job: Job,
  err: unknown,
  maxStarts: number,
  worth: (wait: number) => boolean,
): Promise<void> {
  const wait = retryAfterMs(err);
  if (!wait || !job.token || job.attemptsStarted > maxStarts || !worth(wait)) return;
  await job.moveToDelayed(Date.now() + wait, job.token);
  throw new DelayedError(`retry after ${wait} ms`);
}

export function registerNotifyJobs(
  app: FastifyInstance,
  deps: {
    sync: Sync;
    renewal: Renewal;
    mailboxes: { purgeNotifiedBefore(before: Date): Promise<number> };
    log: Logger;
  },
) {
  const { log, mailboxes } = deps;
  const retry = retryOf(app.config);
  const purgeNotified = () =>
    mailboxes.purgeNotifiedBefore(new Date(app.clock.now().getTime() - NOTIFIED_RETENTION_MS));
  app.jobs.handle('notify', SYNC_JOB, syncPayload, async (data, { job }): Promise<SyncResult> => {
    try {
      const result = await deps.sync.run({
        mailboxId: data.mailboxId,
        historyId: data.historyId === undefined ? undefined : BigInt(data.historyId),
        recheck: data.recheck,
      });
      log.debug(
        { mailboxId: data.mailboxId, jobId: job.id, recheck: data.recheck === true, ...result },
        'mailbox synced',
      );
      return result;
    } catch (err) {
      if (isFinalAttempt(job)) await deps.sync.giveUp(data.mailboxId, err);
      else await deferIfAsked(job, err, retry);
      throw err;
    }
  });

  const renew = async (data: z.infer<typeof renewPayload>, { job }: { job: Job }) => {
    const result = await deps.renewal.renew(data.mailboxId, { finalAttempt: isFinalAttempt(job) });
    log.debug({ mailboxId: data.mailboxId, result }, 'watch renewal');
    return result;
  };
  app.jobs.handle('watch', RENEW_JOB, renewPayload, renew);
  app.jobs.limit('watch', { max: app.config.GMAIL_WATCH_RATE_PER_SECOND, duration: 1_000 });
  // Renewals an earlier version queued on `notify` still run there.
  app.jobs.handle('notify', RENEW_JOB, renewPayload, renew);

  app.jobs.handle('notify', MAINTAIN_JOB, z.object({}).passthrough(), async () => {
    const result = await deps.renewal.maintain();
    return { ...result, purged: await purgeNotified() };
  });

  // Idempotent upsert: every machine may run this; the schedule exists once. Its first run is at once
  // on a first boot, and a run that fell due while no machine ran runs as soon as a worker is up, so
  // watches that expired meanwhile are renewed by a job: start-up never waits for maintenance.
  // A restart's schedule is not due yet, so a restart adds one run at once (shared by machines
  // starting together) to renew watches that expired meanwhile; a first boot's schedule runs at once.
  app.jobs.onStart(async () => {
    const restarted = (await app.queues.notify.getJobScheduler('notify-maintain')) !== undefined;
    await app.queues.notify.upsertJobScheduler(
      'notify-maintain',
      { every: app.config.NOTIFY_MAINTAIN_INTERVAL_MS },
      { name: MAINTAIN_JOB, data: {} },
    );
    const once = { deduplication: { id: 'maintain-at-start' } };
    if (restarted) await app.queues.notify.add(MAINTAIN_JOB, {}, once);
  });
}
