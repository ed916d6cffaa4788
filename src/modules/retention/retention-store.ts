import type { PrismaClient } from '../../generated/prisma/client';
import { FINAL_STATUSES } from '../send/domain/types';

/**
 * Retention in bounded statements: each call touches at most `batch` rows, so a large backlog never
 * holds long locks or one huge transaction; the caller repeats until a call returns less than `batch`.
 */
export function createRetentionRepo(prisma: PrismaClient) {
  return {
    /**
     * Empties the sealed content of drafts finished before `cutoff` (updated_at is the time of their
     * last change, the final status at the latest). Row, status and ids stay for the status API.
     * SKIP LOCKED: a draft a send or sweep holds right now is simply left for the next run.
     */
    async purgeDraftContent(cutoff: Date, batch: number): Promise<number> {
      return prisma.$executeRaw`
        UPDATE email_drafts SET sealed_content = NULL, key_version = NULL
         WHERE id IN (
           SELECT id FROM email_drafts
            WHERE sealed_content IS NOT NULL AND updated_at < ${cutoff}
              AND status = ANY(${[...FINAL_STATUSES]}::text[])
            ORDER BY updated_at
            LIMIT ${batch}
            FOR UPDATE SKIP LOCKED)`;
    },
    /** Deletes audit rows created before `cutoff`, oldest first. */
    async purgeAudit(cutoff: Date, batch: number): Promise<number> {
      return prisma.$executeRaw`
        DELETE FROM audit_events
         WHERE id IN (
           SELECT id FROM audit_events WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${batch})`;
    },
  };
}

export type RetentionRepo = ReturnType<typeof createRetentionRepo>;
