import type { PrismaClient } from '../../generated/prisma/client';
import type { Clock } from '../../shared/clock';
import type { DraftStore } from './domain/ports';
import type { StagedDraft } from './domain/stage-draft';
import type { PreviewKind } from './domain/types';

/**
 * The pending draft a tool request with this hash staged before its run died without answering. A draft
 * whose preview was posted is the answer. One whose preview was never recorded (the run died while posting
 * it) is retired as `preview_undeliverable`: the person may or may not have seen it, and its Send is
 * refused, so the retry stages one that is surely shown.
 */
export const stagedByRequest =
  (prisma: PrismaClient, drafts: DraftStore, clock: Clock) =>
  async (requestHash: string): Promise<StagedDraft | undefined> => {
    const rows = await prisma.emailDraft.findMany({
      where: { requestHash, status: 'pending' },
      select: { id: true, expiresAt: true, previewKind: true },
      orderBy: { createdAt: 'desc' },
    });
    let found: StagedDraft | undefined;
    for (const row of rows) {
      if (row.previewKind && !found && row.expiresAt > clock.now()) {
        found = { id: row.id, expiresAt: row.expiresAt, previewKind: row.previewKind as PreviewKind };
      } else if (!row.previewKind) {
        await drafts.transition(
          row.id,
          ['pending'],
          'failed',
          { failureReason: 'preview_undeliverable' },
          { neverStaged: true },
        );
      }
    }
    return found;
  };
