import type { PrismaClient } from '../generated/prisma/client';

export type PairingPurpose = 'connect' | 'notifications';

export interface Pairing {
  id: string;
  teamId: string;
  userId: string;
  purpose: PairingPurpose;
  codeHash: string;
  failedAttempts: number;
  expiresAt: Date;
  usedAt: Date | null;
  burntAt: Date | null;
}

export interface OAuthAttempt {
  id: string;
  pairingId: string;
  teamId: string;
  userId: string;
  purpose: PairingPurpose;
  browserHash: string;
  expiresAt: Date;
  usedAt: Date | null;
}

export function createPairingRepo(prisma: PrismaClient) {
  return {
    async create(p: Omit<Pairing, 'failedAttempts' | 'usedAt' | 'burntAt'>): Promise<void> {
      await prisma.pairing.create({ data: p });
    },
    async countSince(teamId: string, userId: string, since: Date): Promise<number> {
      return prisma.pairing.count({ where: { teamId, userId, createdAt: { gte: since } } });
    },
    async find(id: string): Promise<Pairing | undefined> {
      const row = await prisma.pairing.findUnique({ where: { id } });
      return row ? { ...row, purpose: row.purpose as PairingPurpose } : undefined;
    },
    /** Counts a wrong code; the pairing burns at `limit`. Returns the attempts left. */
    async recordWrongCode(id: string, limit: number, now: Date): Promise<number> {
      const row = await prisma.pairing.update({ where: { id }, data: { failedAttempts: { increment: 1 } } });
      if (row.failedAttempts >= limit) await prisma.pairing.update({ where: { id }, data: { burntAt: now } });
      return Math.max(0, limit - row.failedAttempts);
    },
    /** Single use: only one caller can move the pairing from unused to used. */
    async consume(id: string, now: Date): Promise<boolean> {
      const { count } = await prisma.pairing.updateMany({
        where: { id, usedAt: null, burntAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      return count === 1;
    },
    async createAttempt(a: Omit<OAuthAttempt, 'usedAt'>): Promise<void> {
      await prisma.oAuthAttempt.create({ data: a });
    },
    async findAttempt(id: string): Promise<OAuthAttempt | undefined> {
      const row = await prisma.oAuthAttempt.findUnique({ where: { id } });
      return row ? { ...row, purpose: row.purpose as PairingPurpose } : undefined;
    },
    async consumeAttempt(id: string, now: Date): Promise<boolean> {
      const { count } = await prisma.oAuthAttempt.updateMany({
        where: { id, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      return count === 1;
    },
    async purgeExpired(before: Date): Promise<number> {
      const { count } = await prisma.pairing.deleteMany({ where: { expiresAt: { lt: before } } });
      return count;
    },
  };
}

export type PairingRepo = ReturnType<typeof createPairingRepo>;
