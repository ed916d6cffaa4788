import type { PrismaClient } from '../../generated/prisma/client';
import type { Sealed } from '../../shared/crypto';
import type { RevocationStore } from './domain/ports';
import { KEPT_NOTE, type PendingRevocation } from './domain/types';

// The key rotation names the AAD context here; the domain is where it lives.
export { revocationContext } from './domain/types';

export function createRevocationRepo(prisma: PrismaClient): RevocationStore {
  return {
    async create(p: {
      id: string;
      teamId: string;
      userId: string;
      googleSub: string;
      sealed: Sealed;
    }): Promise<void> {
      await prisma.pendingRevocation.create({
        data: {
          id: p.id,
          teamId: p.teamId,
          userId: p.userId,
          googleSub: p.googleSub,
          sealedToken: new Uint8Array(p.sealed.ciphertext),
          keyVersion: p.sealed.keyVersion,
        },
      });
    },
    async find(id: string): Promise<PendingRevocation | undefined> {
      const row = await prisma.pendingRevocation.findUnique({ where: { id } });
      if (!row || row.doneAt) return undefined;
      return {
        id: row.id,
        teamId: row.teamId,
        userId: row.userId,
        googleSub: row.googleSub,
        attempts: row.attempts,
        sealed: { ciphertext: Buffer.from(row.sealedToken), keyVersion: row.keyVersion },
      };
    },
    async recordFailure(id: string, error: string): Promise<void> {
      await prisma.pendingRevocation.update({
        where: { id },
        data: { attempts: { increment: 1 }, lastError: error },
      });
    },
    /** Done (revoked, or no longer to be revoked): the token is forgotten, only the fact remains. */
    async complete(id: string, now: Date, note?: string): Promise<void> {
      await prisma.pendingRevocation.update({
        where: { id },
        data: { doneAt: now, sealedToken: new Uint8Array(0), ...(note ? { lastError: note } : {}) },
      });
    },
    /** The account was connected again: its parked revocations must never run. */
    async supersedeForAccount(googleSub: string, now: Date): Promise<number> {
      const { count } = await prisma.pendingRevocation.updateMany({
        where: { googleSub, doneAt: null },
        data: { doneAt: now, sealedToken: new Uint8Array(0), lastError: KEPT_NOTE },
      });
      return count;
    },
    async listOpenIds(): Promise<string[]> {
      const rows = await prisma.pendingRevocation.findMany({
        where: { doneAt: null },
        select: { id: true },
        take: 500,
      });
      return rows.map((r) => r.id);
    },
  };
}
