import type { PrismaClient } from '../generated/prisma/client';
import type { Sealed } from '../lib/crypto';

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
