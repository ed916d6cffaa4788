import { randomUUID } from 'node:crypto';
import { AppError, errorMessage } from '../../../shared/errors';
import type { Clock } from '../../../shared/clock';
import type { Sealer } from '../../../shared/crypto';
import { KEPT_NOTE, revocationContext, type RevocationRepo } from '../revocation-store';

export interface RevocationDeps {
  revocations: RevocationRepo;
  sealer: Sealer;
  clock: Clock;
  revokeAtGoogle(token: string): Promise<void>;
  /** Revoking one token revokes every token of that Google account for this client. */
  accountInUse(googleSub: string): Promise<boolean>;
  /** Durably schedules a retry of the parked revocation (a job carrying its id only). */
  scheduleRetry(revocationId: string): Promise<void>;
}

export interface RevocationRequest {
  teamId: string;
  userId: string;
  googleSub: string;
  refreshToken: string;
}

export type RevocationOutcome = 'revoked' | 'pending' | 'kept_in_use';

/**
 * Revoking at Google never blocks the user: one bounded attempt now, and on failure the token is
 * parked sealed and retried in the background until Google confirms. A token whose Google account
 * is (again) connected is never revoked: that would also kill the live connection's grant.
 */
export function createRevocations(deps: RevocationDeps) {
  const park = async (p: RevocationRequest, error: string) => {
    const id = randomUUID();
    const sealed = deps.sealer.seal(p.refreshToken, revocationContext(id));
    await deps.revocations.create({ id, teamId: p.teamId, userId: p.userId, googleSub: p.googleSub, sealed });
    await deps.revocations.recordFailure(id, error);
    await deps.scheduleRetry(id);
  };
  return {
    async revokeNowOrLater(p: RevocationRequest): Promise<RevocationOutcome> {
      if (await deps.accountInUse(p.googleSub)) return 'kept_in_use';
      try {
        await deps.revokeAtGoogle(p.refreshToken);
        return 'revoked';
      } catch (err) {
        await park(p, errorMessage(err));
        return 'pending';
      }
    },
    /** One background attempt; throws a retryable error while Google keeps failing. */
    async retry(revocationId: string): Promise<'done' | 'gone' | 'kept_in_use'> {
      const pending = await deps.revocations.find(revocationId);
      if (!pending) return 'gone';
      if (pending.googleSub && (await deps.accountInUse(pending.googleSub))) {
        await deps.revocations.complete(pending.id, deps.clock.now(), KEPT_NOTE);
        return 'kept_in_use';
      }
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
