import type { PrismaClient } from '../../generated/prisma/client';
import type { MailboxSummaries } from './domain/ports';

/** The notification state the status answer shows, read from notify's mailbox row. */
export function createMailboxSummaries(prisma: PrismaClient): MailboxSummaries {
  return {
    async find(connectionId) {
      const row = await prisma.mailbox.findUnique({
        where: { connectionId },
        select: { enabled: true, state: true, stateReason: true, watchExpiresAt: true, lastNotifiedAt: true },
      });
      return row ?? undefined;
    },
  };
}
