import type { PrismaClient } from '../generated/prisma/client';
import {
  FINAL_STATUSES,
  type Draft,
  type DraftPatch,
  type DraftStatus,
  type DraftStore,
  type FinalStatus,
  type PreviewKind,
} from '../domain/send/types';

/** AAD context of `email_drafts.sealed_content`: a ciphertext moved to another draft or user does not open. */
export const draftContentContext = (draftId: string, teamId: string, userId: string) =>
  `email-draft|${draftId}|${teamId}|${userId}`;

type Row = NonNullable<Awaited<ReturnType<PrismaClient['emailDraft']['findUnique']>>>;

function toDraft(row: Row): Draft {
  return {
    id: row.id,
    teamId: row.teamId,
    userId: row.userId,
    connectionId: row.connectionId,
    channelId: row.channelId,
    triggerTs: row.triggerTs,
    threadTs: row.threadTs,
    sealedContent:
      row.sealedContent && row.keyVersion
        ? { ciphertext: Buffer.from(row.sealedContent), keyVersion: row.keyVersion }
        : null,
    recipientCount: row.recipientCount,
    status: row.status as DraftStatus,
    messageIdHeader: row.messageIdHeader,
    gmailMessageId: row.gmailMessageId,
    failureReason: row.failureReason,
    previewKind: row.previewKind as PreviewKind | null,
    previewChannel: row.previewChannel,
    previewTs: row.previewTs,
    responseUrl: row.responseUrl,
    previewOutcome: row.previewOutcome as FinalStatus | null,
    expiresAt: row.expiresAt,
    claimedAt: row.claimedAt,
    attemptedAt: row.attemptedAt,
    sentAt: row.sentAt,
    sendAttempts: row.sendAttempts,
    nextAttemptAt: row.nextAttemptAt,
    createdAt: row.createdAt,
  };
}

export function createDraftRepo(prisma: PrismaClient): DraftStore {
  return {
    async create(d) {
      const { sealedContent, ...rest } = d;
      if (!sealedContent) throw new Error('a new draft needs its sealed content');
      await prisma.emailDraft.create({
        data: {
          ...rest,
          sealedContent: new Uint8Array(sealedContent.ciphertext),
          keyVersion: sealedContent.keyVersion,
        },
      });
    },
    async findById(id) {
      const row = await prisma.emailDraft.findUnique({ where: { id } });
      return row ? toDraft(row) : undefined;
    },
    async update(id, patch: DraftPatch) {
      await prisma.emailDraft.update({ where: { id }, data: patch });
    },
    // One UPDATE ... WHERE status IN (...): Postgres re-checks the predicate after taking the row
    // lock, so of two concurrent callers exactly one sees count = 1.
    async transition(id, from, to, patch = {}, guard = {}) {
      const { count } = await prisma.emailDraft.updateMany({
        where: {
          id,
          status: { in: [...from] },
          ...(guard.unexpiredAt ? { expiresAt: { gt: guard.unexpiredAt } } : {}),
          ...(guard.sendAttempts !== undefined ? { sendAttempts: guard.sendAttempts } : {}),
        },
        data: { ...patch, status: to },
      });
      return count === 1;
    },
    async listExpiredPending(now, take) {
      const rows = await prisma.emailDraft.findMany({
        where: { status: 'pending', expiresAt: { lte: now } },
        orderBy: { expiresAt: 'asc' },
        take,
      });
      return rows.map(toDraft);
    },
    async listInStatus(statuses, take) {
      const rows = await prisma.emailDraft.findMany({
        where: { status: { in: [...statuses] } },
        orderBy: { createdAt: 'asc' },
        take,
      });
      return rows.map(toDraft);
    },
    async markPreviewShown(id, status) {
      await prisma.emailDraft.updateMany({ where: { id, status }, data: { previewOutcome: status } });
    },
    async listUnshownOutcomes(changedAfter, changedBefore, take) {
      const rows = await prisma.emailDraft.findMany({
        where: {
          // SQL's "<>" is never true against NULL, so a preview never updated is asked for separately.
          OR: FINAL_STATUSES.flatMap((status) => [
            { status, previewOutcome: null },
            { status, previewOutcome: { not: status } },
          ]),
          updatedAt: { gt: changedAfter, lte: changedBefore },
        },
        orderBy: { updatedAt: 'asc' },
        take,
      });
      return rows.map(toDraft);
    },
    async listOpenForUser(teamId, userId) {
      const rows = await prisma.emailDraft.findMany({
        where: { teamId, userId, status: { in: ['pending', 'sending'] } },
      });
      return rows.map(toDraft);
    },
  };
}
