import type { PrismaClient } from '../../generated/prisma/client';
import type { MailboxProblem, MailboxRecord, MailboxState } from './domain/types';
import { problemText } from './replies';

type Row = NonNullable<Awaited<ReturnType<PrismaClient['mailbox']['findUnique']>>>;

/** The state reason is kept in words, as the status commands of both modules show it. */
export const reasonOf = (problem: MailboxProblem | null) => (problem ? problemText(problem) : null);

export function toRecord(row: Row): MailboxRecord {
  return {
    id: row.id,
    connectionId: row.connectionId,
    teamId: row.teamId,
    userId: row.userId,
    email: row.email,
    enabled: row.enabled,
    // DECIMAL(30,0) holds any unsigned 64-bit history id; toFixed never uses an exponent.
    historyId: row.historyId === null ? null : BigInt(row.historyId.toFixed()),
    watchExpiresAt: row.watchExpiresAt,
    state: row.state as MailboxState,
    stateReason: row.stateReason,
    lastPushAt: row.lastPushAt,
    lastSyncAt: row.lastSyncAt,
    lastNotifiedAt: row.lastNotifiedAt,
    lapseNotifiedAt: row.lapseNotifiedAt,
  };
}
