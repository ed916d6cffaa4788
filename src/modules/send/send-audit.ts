import type { PrismaClient } from '../../generated/prisma/client';
import type { Sealer } from '../../shared/crypto';
import { auditDetailsContext, createAuditRepo } from '../../shared/audit-store';
import type { SendAudit } from './domain/ports';

/** Send decisions in the shared audit trail; recipients and subject sealed to their row. */
export function createSendAudit(prisma: PrismaClient, sealer: Sealer): SendAudit {
  const audit = createAuditRepo(prisma);
  return {
    async record({ recipients, ...entry }) {
      const sealed = recipients
        ? sealer.seal(
            JSON.stringify(recipients),
            auditDetailsContext(entry.teamId, entry.userId, 'send', entry.draftId),
          )
        : undefined;
      await audit.record({ ...entry, kind: 'send', sealed });
    },
  };
}
