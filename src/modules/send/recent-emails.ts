import type { PrismaClient } from '../../generated/prisma/client';
import type { Sealer } from '../../shared/crypto';
import { draftContentContext } from './draft-store';
import { publicStatus } from './domain/draft-view';
import type { DraftContent, DraftStatus } from './domain/types';

/** One of a person's emails as their own App Home lists it; recipients and subject absent once purged. */
export interface RecentEmail {
  id: string;
  status: string;
  createdAt: Date;
  sentAt: Date | null;
  from?: string;
  recipients?: string[];
  subject?: string;
  gmailMessageId: string | null;
}

/** A content that cannot be opened (damaged, or its key retired) is listed without it, not failing the list. */
function openOrNothing<T>(open: () => T): T | undefined {
  try {
    return open();
  } catch {
    return undefined;
  }
}

/**
 * The person's most recent staged emails, newest first, content opened for them alone: the query is
 * by their own team and user, and each content opens only under its own draft and owner.
 */
export function createRecentEmails(prisma: PrismaClient, sealer: Sealer) {
  return async (teamId: string, userId: string, take: number): Promise<RecentEmail[]> => {
    const rows = await prisma.emailDraft.findMany({
      where: { teamId, userId },
      orderBy: { createdAt: 'desc' },
      take,
    });
    return rows.map((row) => {
      const base = {
        id: row.id,
        status: publicStatus(row.status as DraftStatus),
        createdAt: row.createdAt,
        sentAt: row.sentAt,
        gmailMessageId: row.gmailMessageId,
      };
      if (!row.sealedContent || !row.keyVersion) return base;
      const sealed = { ciphertext: Buffer.from(row.sealedContent), keyVersion: row.keyVersion };
      const c = openOrNothing(
        () =>
          JSON.parse(sealer.openString(sealed, draftContentContext(row.id, teamId, userId))) as DraftContent,
      );
      if (!c) return base;
      const recipients = [...c.to, ...c.cc, ...c.bcc].map((m) => m.address);
      return { ...base, from: c.from, recipients, subject: c.subject };
    });
  };
}
