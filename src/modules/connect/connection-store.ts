import type { PrismaClient } from '../../generated/prisma/client';
import type { Sealed } from '../../shared/crypto';
import type { ConnectionStore } from './domain/ports';
import type { Connection, ConnectionStatus } from './domain/types';

// The key rotation names the AAD context here; the domain is where it lives.
export { tokenContext } from './domain/types';

type Row = Awaited<ReturnType<PrismaClient['gmailConnection']['findFirst']>>;

function toConnection(row: NonNullable<Row>): Connection {
  return {
    id: row.id,
    teamId: row.teamId,
    userId: row.userId,
    googleSub: row.googleSub,
    email: row.email,
    scopes: row.scopes,
    status: row.status as ConnectionStatus,
    sealedToken:
      row.sealedToken && row.keyVersion
        ? { ciphertext: Buffer.from(row.sealedToken), keyVersion: row.keyVersion }
        : null,
    connectedAt: row.connectedAt,
    invalidAt: row.invalidAt,
    revokedAt: row.revokedAt,
  };
}

type Db = Pick<PrismaClient, 'gmailConnection'>;

async function upsert(db: Db, p: Parameters<ConnectionStore['upsertActive']>[0]): Promise<Connection> {
  const data = {
    googleSub: p.googleSub,
    email: p.email,
    scopes: p.scopes,
    status: 'active',
    sealedToken: new Uint8Array(p.sealed.ciphertext),
    keyVersion: p.sealed.keyVersion,
    connectedAt: p.now,
    invalidAt: null,
    invalidNotifiedAt: null,
    revokedAt: null,
  };
  const row = await db.gmailConnection.upsert({
    where: { teamId_userId: { teamId: p.teamId, userId: p.userId } },
    create: { teamId: p.teamId, userId: p.userId, ...data },
    update: data,
  });
  return toConnection(row);
}

/** One transaction lock per team and Google account, for the connects that write it. */
const lockAccount = (tx: Pick<PrismaClient, '$queryRaw'>, teamId: string, googleSub: string) =>
  tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(
    hashtextextended(${`gmail-account|${teamId}|${googleSub}`}, 0))) AS l`;

export function createConnectionRepo(prisma: PrismaClient): ConnectionStore {
  return {
    async findByUser(teamId, userId) {
      const row = await prisma.gmailConnection.findUnique({ where: { teamId_userId: { teamId, userId } } });
      return row ? toConnection(row) : undefined;
    },
    async findById(id) {
      const row = await prisma.gmailConnection.findUnique({ where: { id } });
      return row ? toConnection(row) : undefined;
    },
    upsertActive: (p) => upsert(prisma, p),
    async upsertActiveAlone(p) {
      return prisma.$transaction(async (tx) => {
        // One lock per team and Google account: the check and the write below are one step for it.
        await lockAccount(tx, p.teamId, p.googleSub);
        const other = await tx.gmailConnection.findFirst({
          where: { teamId: p.teamId, googleSub: p.googleSub, status: 'active', NOT: { userId: p.userId } },
          select: { id: true },
        });
        return other ? undefined : upsert(tx, p);
      });
    },
    async upsertActiveShared(p) {
      return prisma.$transaction(async (tx) => {
        await lockAccount(tx, p.teamId, p.googleSub);
        const holders = await tx.gmailConnection.findMany({
          where: { teamId: p.teamId, googleSub: p.googleSub, status: 'active', NOT: { userId: p.userId } },
          orderBy: { connectedAt: 'asc' },
        });
        return { connection: await upsert(tx, p), holders: holders.map(toConnection) };
      });
    },
    async otherActiveHolders(teamId, googleSub, userId) {
      const rows = await prisma.gmailConnection.findMany({
        where: { teamId, googleSub, status: 'active', NOT: { userId } },
        orderBy: { connectedAt: 'asc' },
      });
      return rows.map(toConnection);
    },
    /** Persists a rotated refresh token only if the connection is still the same active grant. */
    async replaceToken(id: string, expectedGoogleSub: string, sealed: Sealed): Promise<boolean> {
      const { count } = await prisma.gmailConnection.updateMany({
        where: { id, googleSub: expectedGoogleSub, status: 'active' },
        data: { sealedToken: new Uint8Array(sealed.ciphertext), keyVersion: sealed.keyVersion },
      });
      return count === 1;
    },
    /** Revoking a token revokes every token of its Google account for this client. */
    async hasActiveWithSub(googleSub: string): Promise<boolean> {
      return (await prisma.gmailConnection.count({ where: { googleSub, status: 'active' } })) > 0;
    },
    /**
     * active → invalid, only while the row still holds the grant that failed (a reconnect may have
     * replaced it meanwhile); true only for the caller that made the transition (tell the user once).
     */
    async markInvalid(
      id: string,
      failed: { googleSub: string; sealed: Sealed | null },
      now: Date,
    ): Promise<boolean> {
      const { count } = await prisma.gmailConnection.updateMany({
        where: {
          id,
          status: 'active',
          googleSub: failed.googleSub,
          ...(failed.sealed ? { sealedToken: { equals: new Uint8Array(failed.sealed.ciphertext) } } : {}),
        },
        data: { status: 'invalid', invalidAt: now },
      });
      return count === 1;
    },
    /** Claims the single "your connection is invalid" message for this connection. */
    async claimInvalidNotice(id: string, now: Date): Promise<boolean> {
      const { count } = await prisma.gmailConnection.updateMany({
        where: { id, status: 'invalid', invalidNotifiedAt: null },
        data: { invalidNotifiedAt: now },
      });
      return count === 1;
    },
    async markRevoked(id: string, now: Date): Promise<void> {
      await prisma.gmailConnection.update({
        where: { id },
        data: { status: 'revoked', revokedAt: now, sealedToken: null, keyVersion: null },
      });
    },
  };
}
