import type { PrismaClient } from '../../generated/prisma/client';
import { FINAL_STATUSES } from '../send/domain/types';
import type { RefreshHome } from '../../shared/home-refresh';
import type { RetentionStore } from './domain/ports';

/** `refreshHome` tells the owners of purged drafts, whose App Home must stop showing that content. */
export function createRetentionStore(prisma: PrismaClient, refreshHome: RefreshHome): RetentionStore {
  return {
    /**
     * updated_at is the time of a draft's last change, its final status at the latest.
     * SKIP LOCKED: a draft a send or sweep holds right now is simply left for the next run.
     */
    async purgeDraftContent(cutoff, batch) {
      const owners = await prisma.$queryRaw<Array<{ team_id: string; user_id: string }>>`
        UPDATE email_drafts SET sealed_content = NULL, key_version = NULL
         WHERE id IN (
           SELECT id FROM email_drafts
            WHERE sealed_content IS NOT NULL AND updated_at < ${cutoff}
              AND status = ANY(${[...FINAL_STATUSES]}::text[])
            ORDER BY updated_at
            LIMIT ${batch}
            FOR UPDATE SKIP LOCKED)
        RETURNING team_id, user_id`;
      for (const key of new Set(owners.map((o) => JSON.stringify([o.team_id, o.user_id])))) {
        const [teamId, userId] = JSON.parse(key) as [string, string];
        refreshHome(teamId, userId);
      }
      return owners.length;
    },
    async purgeAudit(cutoff, batch) {
      return prisma.$executeRaw`
        DELETE FROM audit_events
         WHERE id IN (
           SELECT id FROM audit_events WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${batch})`;
    },
  };
}
