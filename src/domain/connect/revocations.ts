import { randomUUID } from 'node:crypto';
import { AppError, errorMessage } from '../../lib/errors';
import type { Clock } from '../../lib/clock';
import type { Sealer } from '../../lib/crypto';
import { revocationContext, type RevocationRepo } from '../../persistence/revocation-repo';

export interface RevocationDeps {
  revocations: RevocationRepo;
  sealer: Sealer;
  clock: Clock;
  revokeAtGoogle(token: string): Promise<void>;
  /** Durably schedules a retry of the parked revocation (a job carrying its id only). */
  scheduleRetry(revocationId: string): Promise<void>;
}

/**
 * Revoking at Google never blocks the user: one bounded attempt now, and on failure the token is
 * parked sealed and retried in the background until Google confirms.
 */
export function createRevocations(deps: RevocationDeps) {
  const park = async (p: { teamId: string; userId: string; refreshToken: string; error: string }) => {
    const id = randomUUID();
    await deps.revocations.create({
      id,
      teamId: p.teamId,
      userId: p.userId,
      sealed: deps.sealer.seal(p.refreshToken, revocationContext(id)),
    });
    await deps.revocations.recordFailure(id, p.error);
    await deps.scheduleRetry(id);
    return id;
  };
  return {
    /** Returns true when Google confirmed the revocation now, false when it was parked for retry. */
    async revokeNowOrLater(p: { teamId: string; userId: string; refreshToken: string }): Promise<boolean> {
      try {
        await deps.revokeAtGoogle(p.refreshToken);
        return true;
      } catch (err) {
        await park({ ...p, error: errorMessage(err) });
        return false;
      }
    },
    /** One background attempt; throws a retryable error while Google keeps failing. */
    async retry(revocationId: string): Promise<'done' | 'gone'> {
      const pending = await deps.revocations.find(revocationId);
      if (!pending) return 'gone';
      const token = deps.sealer.openString(pending.sealed, revocationContext(pending.id));
      try {
        await deps.revokeAtGoogle(token);
      } catch (err) {
        await deps.revocations.recordFailure(pending.id, errorMessage(err));
        throw new AppError('revocation_failed', `revocation ${pending.id} failed: ${errorMessage(err)}`, {
          retryable: true,
        });
      }
      await deps.revocations.complete(pending.id, deps.clock.now());
      return 'done';
    },
  };
}

export type Revocations = ReturnType<typeof createRevocations>;
