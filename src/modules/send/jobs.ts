import { z } from 'zod';
import { DelayedError, type Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { SendDraft } from './domain/send-draft';
import { heldSince, type DraftSweeper } from './domain/sweep-drafts';
import type { Draft } from './domain/types';

export const SEND_JOB = 'send-email';
export const SWEEP_JOB = 'send-sweep';

const payload = z.object({ draftId: z.uuid() });
/** BullMQ refuses ':' in custom ids. One id per draft: a redelivered click cannot enqueue twice. */
export const sendJobId = (draftId: string) => `send-${draftId}`;

/** States in which the queue itself will run the job (again); `active` may belong to a dead worker. */
const QUEUED = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/** Producer side of the send queue; payloads carry the draft id only. */
export function createSendQueue(queue: Queue, retryBaseMs: number) {
  // Retries here cover crashes of our own code (e.g. Postgres briefly down); Gmail's answers are
  // handled by the use case, which reschedules the job itself.
  const options = { attempts: 5, backoff: { type: 'exponential', delay: retryBaseMs } };
  return {
    async enqueue(draftId: string): Promise<void> {
      await queue.add(SEND_JOB, { draftId }, { ...options, jobId: sendJobId(draftId) });
    },
    /**
     * Another look at a draft left `sending` or `attempting` longer than any live worker could hold
     * it (the sweep checks the age). A job still queued to run is left alone; otherwise a resume job
     * — one per attempt — runs it, even if a dead worker's job still looks active: the use case's
     * conditional transitions make a second runner harmless, and an `attempting` draft is only ever
     * settled, never sent again.
     */
    async resume(draft: Draft): Promise<void> {
      if (draft.status === 'sending' && QUEUED.has(await queue.getJobState(sendJobId(draft.id)))) return;
      const since = heldSince(draft).getTime();
      await queue.add(
        SEND_JOB,
        { draftId: draft.id },
        { ...options, jobId: `${sendJobId(draft.id)}-resume-${draft.status}-${since}` },
      );
    },
  };
}

export function registerSendJobs(
  app: FastifyInstance,
  deps: { sendDraft: SendDraft; sweeper: DraftSweeper; sweepEveryMs: number },
) {
  app.jobs.handle('send', SEND_JOB, payload, async ({ draftId }, { job }) => {
    const step = await deps.sendDraft(draftId);
    if (step.kind === 'done') return step;
    // The wait (Retry-After, backoff, or time before looking in Sent again) happens in the queue,
    // not in this process, so a restart in between loses nothing.
    await job.moveToDelayed(Date.now() + step.delayMs, job.token);
    throw new DelayedError();
  });
  app.jobs.handle('maintenance', SWEEP_JOB, z.object({}).passthrough(), async () => {
    const result = await deps.sweeper.sweep();
    if (result.expired || result.resumed || result.reshown) app.log.info(result, 'swept email drafts');
    return result;
  });
  app.jobs.onStart(async () => {
    // Idempotent upsert: every machine may run it, the schedule exists once. Its first run also
    // picks up what a process killed mid-send left behind.
    await app.queues.maintenance.upsertJobScheduler(
      SWEEP_JOB,
      { every: deps.sweepEveryMs },
      { name: SWEEP_JOB, data: {} },
    );
  });
}
