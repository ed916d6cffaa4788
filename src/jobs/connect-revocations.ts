import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Revocations } from '../domain/connect/revocations';
import type { RevocationRepo } from '../persistence/revocation-repo';

export const REVOKE_JOB = 'revoke-token';
const payload = z.object({ revocationId: z.string().uuid() });

export const revocationJobOptions = (revocationId: string, baseDelayMs: number) => ({
  jobId: `revoke-${revocationId}`,
  attempts: 10,
  backoff: { type: 'exponential', delay: baseDelayMs },
});

/** Background revocation retries, plus a sweep at start-up for any whose job was lost. */
export function registerRevocationJobs(
  app: FastifyInstance,
  deps: { revocations: Revocations; repo: RevocationRepo },
) {
  app.jobs.handle('maintenance', REVOKE_JOB, payload, async ({ revocationId }) =>
    deps.revocations.retry(revocationId),
  );
  app.jobs.onStart(async () => {
    for (const id of await deps.repo.listOpenIds()) {
      await app.queues.maintenance.add(
        REVOKE_JOB,
        { revocationId: id },
        revocationJobOptions(id, app.config.REVOKE_RETRY_BASE_MS),
      );
    }
  });
}
