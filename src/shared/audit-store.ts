import type { PrismaClient } from '../generated/prisma/client';
import type { Sealed } from './crypto';

export interface AuditEntry {
  teamId: string;
  userId: string;
  kind: 'connect' | 'disconnect' | 'connection' | 'send' | 'notifications';
  result: string;
  draftId?: string;
  recipientCount?: number;
  gmailMessageId?: string;
  reason?: string;
  sealed?: Sealed;
}

/**
 * The AAD context of `audit_events.sealed_details`: a sealed blob copied to another row does not
 * open. Every feature that seals details uses it, so key rotation can re-seal any row.
 */
export const auditDetailsContext = (teamId: string, userId: string, kind: string, draftId?: string | null) =>
  `audit-details|${teamId}|${userId}|${kind}|${draftId ?? ''}`;

/** Audit rows for every decision; sealed details hold recipients and subject, never a body. */
export function createAuditRepo(prisma: PrismaClient) {
  return {
    async record(e: AuditEntry): Promise<void> {
      await prisma.auditEvent.create({
        data: {
          teamId: e.teamId,
          userId: e.userId,
          kind: e.kind,
          result: e.result,
          draftId: e.draftId,
          recipientCount: e.recipientCount,
          gmailMessageId: e.gmailMessageId,
          reason: e.reason,
          sealedDetails: e.sealed ? new Uint8Array(e.sealed.ciphertext) : undefined,
          keyVersion: e.sealed?.keyVersion,
        },
      });
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
