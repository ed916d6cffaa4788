import type { PrismaClient } from '../../generated/prisma/client';
import type { MailboxStore } from './domain/ports';
import { reasonOf } from './mailbox-row';

const EXPIRED_REASON = reasonOf({ kind: 'watch_expired' });

/**
 * MailboxStore.lapseExpired: maintenance marks every expired watch it found lapsed in one statement
 * (10,000 of them after a long stop) instead of one statement each. The conditions are read again
 * under the row lock, so a renewal that committed since maintenance read the mailboxes keeps its
 * state. Rows are locked in id order: two machines' maintenance runs over the same mailboxes wait on
 * each other, never deadlock.
 */
export function lapseExpiredWatches(prisma: PrismaClient): MailboxStore['lapseExpired'] {
  return async (ids, now) => {
    if (ids.length === 0) return [];
    return prisma.$queryRaw<Array<{ id: string; teamId: string; userId: string }>>`
      WITH still AS (
        SELECT id FROM mailboxes
        WHERE id = ANY(${ids}::uuid[]) AND enabled AND state <> 'lapsed'
          AND (watch_expires_at IS NULL OR watch_expires_at <= ${now})
        ORDER BY id FOR NO KEY UPDATE)
      UPDATE mailboxes m SET state = 'lapsed', state_reason = ${EXPIRED_REASON}, updated_at = now()
      FROM still WHERE m.id = still.id
      RETURNING m.id::text AS id, m.team_id AS "teamId", m.user_id AS "userId"`;
  };
}
