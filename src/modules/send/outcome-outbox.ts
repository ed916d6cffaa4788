import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import {
  EDITED_EVENT_TYPE,
  editedEventId,
  OUTCOME_EVENT_TYPES,
  outcomeEventId,
  type OutcomeEventType,
  type OutcomeOutbox,
} from './domain/outcome-event';
import type { FinalStatus } from './domain/types';

/**
 * Writes the outcome event of a draft that just moved to `status`, inside the transaction of that
 * move: the event exists if and only if the change of state does. Its facts are read from the row
 * as the move left it (the Gmail ids come with a `sent`). An edit (`{ edited: version }`) records
 * its own event the same way. Returns the event id.
 */
export async function recordOutcomeEvent(
  tx: Prisma.TransactionClient,
  draftId: string,
  status: FinalStatus | { edited: number },
): Promise<string> {
  const [id, type] =
    typeof status === 'string'
      ? [outcomeEventId(draftId, status), OUTCOME_EVENT_TYPES[status]]
      : [editedEventId(draftId, status.edited), EDITED_EVENT_TYPE];
  await tx.$executeRaw`
    INSERT INTO outcome_events (id, type, draft_id, team_id, user_id, trigger_ts, recipient_count,
      gmail_message_id, gmail_thread_id)
    SELECT ${id}, ${type}, id, team_id, user_id, trigger_ts, recipient_count,
      gmail_message_id, gmail_thread_id
    FROM email_drafts WHERE id = ${draftId}::uuid
    ON CONFLICT (id) DO NOTHING`;
  return id;
}

/** The outbox of outcome events (`outcome_events`), read and emptied by their delivery. */
export function createOutcomeOutbox(prisma: PrismaClient): OutcomeOutbox {
  return {
    async find(id) {
      const row = await prisma.outcomeEvent.findUnique({ where: { id } });
      return row ? { ...row, type: row.type as OutcomeEventType } : undefined;
    },
    async remove(id) {
      await prisma.outcomeEvent.deleteMany({ where: { id } });
    },
    async listUndelivered(take) {
      const rows = await prisma.outcomeEvent.findMany({
        select: { id: true },
        orderBy: { createdAt: 'asc' },
        take,
      });
      return rows.map((r) => r.id);
    },
    async dropOlderThan(cutoff) {
      const { count } = await prisma.outcomeEvent.deleteMany({ where: { createdAt: { lt: cutoff } } });
      return count;
    },
  };
}
