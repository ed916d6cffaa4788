import type { PrismaClient } from '../../generated/prisma/client';
import type { MailboxProblem, MailboxRecord, MailboxState } from './domain/types';
import { problemText } from './replies';

type Row = NonNullable<Awaited<ReturnType<PrismaClient['mailbox']['findUnique']>>>;

/** The state reason is kept in words, as the status commands of both modules show it. */
export const reasonOf = (problem: MailboxProblem | null) => (problem ? problemText(problem) : null);

/** A mailbox row as `SELECT ${MAILBOX_COLUMN_LIST}` returns it (plain SQL): the history id as text. */
export type RawRow = Omit<Row, 'historyId' | 'createdAt' | 'updatedAt'> & { historyId: string | null };

/** The columns `toRecord` reads, named as the Prisma row names them, for the sync's plain reads. */
export const MAILBOX_COLUMN_LIST = `id::text AS id, connection_id::text AS "connectionId",
  team_id AS "teamId", user_id AS "userId", email, enabled, history_id::text AS "historyId",
  watch_expires_at AS "watchExpiresAt", state, state_reason AS "stateReason", last_push_at AS "lastPushAt",
  last_sync_at AS "lastSyncAt", last_notified_at AS "lastNotifiedAt", lapse_notified_at AS "lapseNotifiedAt"`;

export function toRecord(row: Row | RawRow): MailboxRecord {
  const history = row.historyId;
  return {
    id: row.id,
    connectionId: row.connectionId,
    teamId: row.teamId,
    userId: row.userId,
    email: row.email,
    enabled: row.enabled,
    // DECIMAL(30,0) holds any unsigned 64-bit history id; toFixed never uses an exponent.
    historyId: history === null ? null : BigInt(typeof history === 'string' ? history : history.toFixed()),
    watchExpiresAt: row.watchExpiresAt,
    state: row.state as MailboxState,
    stateReason: row.stateReason,
    lastPushAt: row.lastPushAt,
    lastSyncAt: row.lastSyncAt,
    lastNotifiedAt: row.lastNotifiedAt,
    lapseNotifiedAt: row.lapseNotifiedAt,
  };
}
