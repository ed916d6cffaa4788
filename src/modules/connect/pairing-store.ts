import type { PrismaClient } from '../../generated/prisma/client';
import type { PairingStore } from './domain/ports';
import type { OAuthAttempt, Pairing, PairingPurpose } from './domain/types';

export function createPairingRepo(prisma: PrismaClient): PairingStore {
  return {
    /**
     * Creates the pairing unless the user already has `limit` created since `since`. A transaction-scoped
     * advisory lock per user serialises the count and the insert, so parallel commands cannot all pass the
     * count; the insert runs as a later statement and so sees every pairing committed before the lock.
     */
    async createWithinLimit(
      p: Omit<Pairing, 'failedAttempts' | 'usedAt' | 'burntAt' | 'refusedAt'>,
      since: Date,
      limit: number,
    ): Promise<boolean> {
      const [, inserted] = await prisma.$transaction([
        prisma.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`pairing:${p.teamId}:${p.userId}`}, 0))::text AS locked`,
        prisma.$executeRaw`
          INSERT INTO pairings (id, team_id, user_id, purpose, code_hash, expires_at)
          SELECT ${p.id}, ${p.teamId}, ${p.userId}, ${p.purpose}, ${p.codeHash}, ${p.expiresAt}
           WHERE (SELECT count(*) FROM pairings
                   WHERE team_id = ${p.teamId} AND user_id = ${p.userId} AND created_at >= ${since}) < ${limit}`,
      ]);
      return inserted === 1;
    },
    async find(id: string): Promise<Pairing | undefined> {
      const row = await prisma.pairing.findUnique({ where: { id } });
      return row ? { ...row, purpose: row.purpose as PairingPurpose } : undefined;
    },
    /**
     * Reserves one code check before the code is compared, so parallel guesses cannot exceed `limit`:
     * the counter only moves while the pairing is usable and below the limit. The last allowed
     * reservation burns the pairing unless `consume` refunds it.
     */
    async reserveCheck(id: string, limit: number, now: Date): Promise<number | undefined> {
      const rows = await prisma.$queryRaw<Array<{ failed_attempts: number }>>`
        UPDATE pairings SET failed_attempts = failed_attempts + 1,
               burnt_at = CASE WHEN failed_attempts + 1 >= ${limit} THEN ${now} ELSE burnt_at END
         WHERE id = ${id} AND used_at IS NULL AND burnt_at IS NULL AND expires_at > ${now} AND failed_attempts < ${limit}
     RETURNING failed_attempts`;
      return rows[0]?.failed_attempts;
    },
    /** Single use: spends the pairing after a right code and refunds the reserved check; never a refused one. */
    async consume(id: string, now: Date): Promise<boolean> {
      const count = await prisma.$executeRaw`
        UPDATE pairings SET used_at = ${now}, burnt_at = NULL, failed_attempts = failed_attempts - 1
         WHERE id = ${id} AND used_at IS NULL AND refused_at IS NULL AND expires_at > ${now}`;
      return count === 1;
    },
    /** Only the first refusal updates the row (the row lock orders parallel ones), so only it is told. */
    async refuse(id: string, now: Date): Promise<{ wasUsed: boolean } | undefined> {
      const rows = await prisma.$queryRaw<Array<{ was_used: boolean }>>`
        UPDATE pairings SET refused_at = ${now}, burnt_at = COALESCE(burnt_at, ${now}),
               expires_at = LEAST(expires_at, ${now})
         WHERE id = ${id} AND refused_at IS NULL
     RETURNING used_at IS NOT NULL AS was_used`;
      return rows[0] ? { wasUsed: rows[0].was_used } : undefined;
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
