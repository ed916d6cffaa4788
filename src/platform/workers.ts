import fp from 'fastify-plugin';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { z } from 'zod';
import {
  JOB_LOCK_MS,
  JOB_LOCK_RENEW_MS,
  MAX_STALLS,
  QUEUE_CONCURRENCY,
  STALLED_CHECK_MS,
  type QueueName,
} from './queue-settings';
import { isAppError } from '../shared/errors';
import { withTimeout } from '../shared/timeout';
import { closeBudget } from '../shared/close-budget';

export interface JobContext {
  job: Job;
}

type Handler = { schema: z.ZodType; run: (data: unknown, ctx: JobContext) => Promise<unknown> };

export interface JobRegistry {
  /** Registers the processor of one job name; payloads failing the schema are never retried. */
  handle<S extends z.ZodType>(
    queue: QueueName,
    name: string,
    schema: S,
    run: (data: z.infer<S>, ctx: JobContext) => Promise<unknown>,
  ): void;
  /**
   * At most `max` jobs of the queue start per `duration` ms across every machine (BullMQ's limiter
   * lives in Redis); jobs beyond wait, none is dropped.
   */
  limit(queue: QueueName, limiter: { max: number; duration: number }): void;
  /** Callbacks run once workers are up (job schedulers); they must not wait for maintenance itself. */
  onStart(fn: () => Promise<void>): void;
  start(): Promise<void>;
  /** Stops taking jobs and lets active ones finish within `timeoutMs`; later ones are abandoned to their locks. */
  stop(timeoutMs: number): Promise<void>;
  running(): boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobRegistry;
  }
}

export default fp(
  async (app) => {
    const handlers = new Map<QueueName, Map<string, Handler>>();
    const startHooks: Array<() => Promise<void>> = [];
    const limiters = new Map<QueueName, { max: number; duration: number }>();
    const workers: Worker[] = [];
    const metrics = app.metrics;
    const budget = closeBudget(app);
    // Jobs inside a processor right now: says whether a drain that ran out of time cut jobs short.
    let running = 0;

    const processorFor = (queue: QueueName) => async (job: Job) => {
      const handler = handlers.get(queue)?.get(job.name);
      if (!handler) throw new UnrecoverableError(`no processor for job ${queue}/${job.name}`);
      const parsed = handler.schema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${queue}/${job.name}`);
      const stopTimer = metrics.jobDuration.startTimer({ queue, name: job.name });
      running += 1;
      try {
        return await handler.run(parsed.data, { job });
      } catch (err) {
        // A job that moved itself to delayed (e.g. honouring Retry-After) has not failed.
        if (err instanceof DelayedError) throw err;
        metrics.jobFailures.inc({ queue, name: job.name });
        // Only a transient failure may pass on the next attempt; any other kind fails the job for good.
        if (isAppError(err) && err.kind !== 'transient') {
          throw new UnrecoverableError(`${err.code}: ${err.message}`);
        }
        throw err;
      } finally {
        running -= 1;
        stopTimer();
      }
    };

    const registry: JobRegistry = {
      handle(queue, name, schema, run) {
        const forQueue = handlers.get(queue) ?? new Map<string, Handler>();
        forQueue.set(name, { schema, run: run as Handler['run'] });
        handlers.set(queue, forQueue);
      },
      limit(queue, limiter) {
        limiters.set(queue, limiter);
      },
      onStart(fn) {
        startHooks.push(fn);
      },
      async start() {
        for (const queue of handlers.keys()) {
          const worker = new Worker(queue, processorFor(queue), {
            connection: app.workerRedisOptions,
            prefix: app.bullPrefix,
            concurrency: QUEUE_CONCURRENCY[queue],
            lockDuration: JOB_LOCK_MS,
            lockRenewTime: JOB_LOCK_RENEW_MS,
            stalledInterval: STALLED_CHECK_MS,
            maxStalledCount: MAX_STALLS,
            limiter: limiters.get(queue),
          });
          worker.on('error', (err) => app.log.warn({ err: { message: err.message }, queue }, 'worker error'));
          worker.on('failed', (job, err) =>
            app.log.warn(
              { queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message },
              'job failed',
            ),
          );
          workers.push(worker);
        }
        await Promise.all(workers.map((w) => w.waitUntilReady()));
        for (const fn of startHooks) await fn();
      },
      async stop(timeoutMs) {
        // Pausing stops fetching and resolves once the active jobs ended (and Redis answered). Closing
        // first would not do: a worker that is closing ignores a later forced close and keeps waiting.
        const abandon = await withTimeout(Promise.all(workers.map((w) => w.pause())), timeoutMs).then(
          () => false,
          () => true,
        );
        if (abandon && running > 0) {
          app.log.warn(
            { timeoutMs, running },
            'active jobs did not finish in time; abandoned, they resume elsewhere once their locks lapse',
          );
        } else if (abandon) {
          app.log.warn(
            { timeoutMs },
            'workers did not stop in time though no job was running (Redis not answering); closing them forcibly',
          );
        }
        // A forced close still awaits Redis (lock renewals in flight, QUIT): past the bound, disconnect.
        await Promise.all(
          workers.map((w) =>
            budget.close(
              `worker ${w.name}`,
              () => w.close(abandon),
              () => void w.disconnect().catch(() => undefined),
            ),
          ),
        );
        workers.length = 0;
      },
      running: () => workers.some((w) => w.isRunning()),
    };
    app.decorate('jobs', registry);
    // The drain (platform/lifecycle.ts) stops the workers before anything closes; any it never reached
    // (it did not run) are closed here at once, before Redis goes.
    app.addHook('onClose', async () => {
      if (workers.length > 0) await registry.stop(0);
    });
  },
  { name: 'workers', dependencies: ['redis', 'queues', 'metrics'] },
);
