import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Revocations } from './domain/revocations';
import type { RevocationStore } from './domain/ports';

export const REVOKE_JOB = 'revoke-token';
const payload = z.object({ revocationId: z.string().uuid() });

/**
 * Enqueues a retry with a deterministic job id. A job that exhausted its attempts earlier is removed
 * first, otherwise the add would be a silent no-op while the failed job is kept.
 */
export async function enqueueRevocation(app: FastifyInstance, revocationId: string): Promise<void> {
  const jobId = `revoke-${revocationId}`;
  const previous = await app.queues.maintenance.getJob(jobId);
  if (previous && (await previous.isFailed())) await previous.remove();
  await app.queues.maintenance.add(
    REVOKE_JOB,
    { revocationId },
    { jobId, attempts: 10, backoff: { type: 'exponential', delay: app.config.REVOKE_RETRY_BASE_MS } },
  );
}

/** Background revocation retries, plus a sweep at start-up for any whose job was lost or gave up. */
export function registerRevocationJobs(
  app: FastifyInstance,
  deps: { revocations: Revocations; store: RevocationStore },
) {
  app.jobs.handle('maintenance', REVOKE_JOB, payload, async ({ revocationId }) =>
    deps.revocations.retry(revocationId),
  );
  app.jobs.onStart(async () => {
    for (const id of await deps.store.listOpenIds()) await enqueueRevocation(app, id);
  });
}
