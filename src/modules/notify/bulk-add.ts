import type { JobsOptions, Queue } from 'bullmq';
import { batchPerTick } from './tick-batch';

export interface JobSpec {
  name: string;
  data: unknown;
  opts: JobsOptions;
}

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/**
 * Adds the jobs asked for in one event-loop round with one `addBulk` (one pipeline, one round trip);
 * each caller learns whether its own job was recorded. `addBulk` reports only its first error, so on
 * an error each job of the round is added again on its own: one already recorded is found by its
 * deduplication id and not added twice, and only the callers whose job failed get an error.
 */
export function addPerTick(queue: Queue): (job: JobSpec) => Promise<void> {
  return batchPerTick<JobSpec, void>(async (jobs) => {
    try {
      await queue.addBulk(jobs);
      return jobs.map(() => undefined);
    } catch {
      return Promise.all(jobs.map((j) => queue.add(j.name, j.data, j.opts).then(() => undefined, asError)));
    }
  });
}
