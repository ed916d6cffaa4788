import type { PrismaClient } from '../../generated/prisma/client';
import type { MailboxSummary } from './domain/status';

export async function findMailboxSummary(
  prisma: PrismaClient,
  connectionId: string,
): Promise<MailboxSummary | undefined> {
  const row = await prisma.mailbox.findUnique({
    where: { connectionId },
    select: { enabled: true, state: true, stateReason: true, watchExpiresAt: true, lastNotifiedAt: true },
  });
  return row ?? undefined;
}
