import { randomUUID } from 'node:crypto';
import { errorMessage } from '../../../shared/errors';
import type { Clock } from '../../../shared/clock';
import type { Sealer } from '../../../shared/crypto';
import { connectErrors } from './errors';
import type { ConnectionStore, GoogleAuth, RevocationStore } from './ports';
import { KEPT_NOTE, revocationContext } from './types';

export interface RevocationDeps {
  revocationStore: RevocationStore;
  sealer: Sealer;
  clock: Clock;
  google: Pick<GoogleAuth, 'revoke'>;
  /** `hasActiveWithSub`: revoking one token revokes every token of that Google account for this client. */
  connections: Pick<ConnectionStore, 'hasActiveWithSub'>;
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
    await deps.revocationStore.create({
      id,
      teamId: p.teamId,
      userId: p.userId,
      googleSub: p.googleSub,
      sealed,
    });
    await deps.revocationStore.recordFailure(id, error);
    await deps.scheduleRetry(id);
  };
  return {
    async revokeNowOrLater(p: RevocationRequest): Promise<RevocationOutcome> {
      if (await deps.connections.hasActiveWithSub(p.googleSub)) return 'kept_in_use';
      try {
        await deps.google.revoke(p.refreshToken);
        return 'revoked';
      } catch (err) {
        await park(p, errorMessage(err));
        return 'pending';
      }
    },
    /** One background attempt; throws a retryable error while Google keeps failing. */
    async retry(revocationId: string): Promise<'done' | 'gone' | 'kept_in_use'> {
      const pending = await deps.revocationStore.find(revocationId);
      if (!pending) return 'gone';
      if (pending.googleSub && (await deps.connections.hasActiveWithSub(pending.googleSub))) {
        await deps.revocationStore.complete(pending.id, deps.clock.now(), KEPT_NOTE);
        return 'kept_in_use';
      }
      const token = deps.sealer.openString(pending.sealed, revocationContext(pending.id));
      try {
        await deps.google.revoke(token);
      } catch (err) {
        await deps.revocationStore.recordFailure(pending.id, errorMessage(err));
        throw connectErrors.fail(
          'revocation_failed',
          `revocation ${pending.id} failed: ${errorMessage(err)}`,
        );
      }
      await deps.revocationStore.complete(pending.id, deps.clock.now());
      return 'done';
    },
    /** The account was connected again: its parked revocations must never run. */
    supersede: (googleSub: string) => deps.revocationStore.supersedeForAccount(googleSub, deps.clock.now()),
  };
}

export type Revocations = ReturnType<typeof createRevocations>;
