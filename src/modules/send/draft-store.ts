import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import type { Sealer } from '../../shared/crypto';
import type { DraftEdits } from './domain/edit-ports';
import type { DraftStore } from './domain/ports';
import { recordOutcomeEvent } from './outcome-outbox';
import {
  FINAL_STATUSES,
  isFinalStatus,
  PREVIEW_BACKOFF_BASE_MS,
  PREVIEW_BACKOFF_MAX_MS,
  type Draft,
  type DraftContent,
  type DraftPatch,
  type DraftStatus,
  type FinalStatus,
  type PreviewKind,
} from './domain/types';

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
    gmailThreadId: row.gmailThreadId,
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
    version: row.version,
    editedAt: row.editedAt,
    createdAt: row.createdAt,
  };
}

/** Told, after the commit, of each outcome event a final change of state recorded; never throws. */
export type OutcomeRecorded = (eventId: string) => Promise<void>;

/**
 * Drafts in `email_drafts`; their content is sealed at rest and opened only here. With
 * `outcomeRecorded` (an event sink is configured), every move into a final status also writes its
 * outcome event, in the same transaction.
 */
export function createDraftStore(
  prisma: PrismaClient,
  sealer: Sealer,
  outcomeRecorded?: OutcomeRecorded,
): DraftStore & DraftEdits {
  return {
    async create(d, content) {
      const sealed = sealer.seal(JSON.stringify(content), draftContentContext(d.id, d.teamId, d.userId));
      await prisma.emailDraft.create({
        data: { ...d, sealedContent: new Uint8Array(sealed.ciphertext), keyVersion: sealed.keyVersion },
      });
    },
    // The same single conditional UPDATE as a claim: of an edit and a Send on one version, one wins.
    async edit(d, content, at) {
      const sealed = sealer.seal(JSON.stringify(content), draftContentContext(d.id, d.teamId, d.userId));
      const recipientCount = content.to.length + content.cc.length + content.bcc.length;
      const version = d.version + 1;
      const edited = await prisma.$transaction(async (tx) => {
        const { count } = await tx.emailDraft.updateMany({
          where: { id: d.id, status: 'pending', version: d.version, expiresAt: { gt: at } },
          data: {
            sealedContent: new Uint8Array(sealed.ciphertext),
            keyVersion: sealed.keyVersion,
            recipientCount,
            version,
            editedAt: at,
          },
        });
        if (count !== 1) return undefined;
        const eventId = outcomeRecorded ? await recordOutcomeEvent(tx, d.id, { edited: version }) : undefined;
        return { row: await tx.emailDraft.findUniqueOrThrow({ where: { id: d.id } }), eventId };
      });
      if (edited?.eventId) await outcomeRecorded!(edited.eventId);
      return edited && toDraft(edited.row);
    },
    async findById(id) {
      const row = await prisma.emailDraft.findUnique({ where: { id } });
      return row ? toDraft(row) : undefined;
    },
    openContent(d) {
      if (!d.sealedContent) throw new Error('the content of this draft was purged');
      return JSON.parse(
        sealer.openString(d.sealedContent, draftContentContext(d.id, d.teamId, d.userId)),
      ) as DraftContent;
    },
    async update(id, patch: DraftPatch) {
      await prisma.emailDraft.update({ where: { id }, data: patch });
    },
    // One UPDATE ... WHERE status IN (...): Postgres re-checks the predicate after taking the row
    // lock, so of two concurrent callers exactly one sees count = 1.
    async transition(id, from, to, patch = {}, guard = {}) {
      const move = async (db: Prisma.TransactionClient) => {
        const { count } = await db.emailDraft.updateMany({
          where: {
            id,
            status: { in: [...from] },
            ...(guard.unexpiredAt ? { expiresAt: { gt: guard.unexpiredAt } } : {}),
            ...(guard.sendAttempts !== undefined ? { sendAttempts: guard.sendAttempts } : {}),
            ...(guard.version !== undefined ? { version: guard.version } : {}),
          },
          data: { ...patch, status: to },
        });
        return count === 1;
      };
      if (!outcomeRecorded || !isFinalStatus(to) || guard.neverStaged) return move(prisma);
      const eventId = await prisma.$transaction(async (tx) =>
        (await move(tx)) ? recordOutcomeEvent(tx, id, to) : undefined,
      );
      // After the commit: the delivery job can only find an event that exists.
      if (eventId) await outcomeRecorded(eventId);
      return eventId !== undefined;
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
    async listUnshownOutcomes(changedAfter, changedBefore, now, take) {
      // The partial index on rows WHERE preview_outcome IS DISTINCT FROM status serves this lookup.
      const due = await prisma.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM email_drafts
        WHERE preview_outcome IS DISTINCT FROM status
          AND status IN (${Prisma.join([...FINAL_STATUSES])})
          AND updated_at > ${changedAfter} AND updated_at <= ${changedBefore}
          AND (preview_tried_at IS NULL OR preview_tried_at + LEAST(${PREVIEW_BACKOFF_MAX_MS}::float8,
            ${PREVIEW_BACKOFF_BASE_MS}::float8 * power(2, preview_tries)) * interval '1 millisecond' <= ${now})
        ORDER BY preview_tried_at ASC NULLS FIRST, updated_at ASC
        LIMIT ${take}`;
      if (due.length === 0) return [];
      const rows = await prisma.emailDraft.findMany({ where: { id: { in: due.map((r) => r.id) } } });
      const order = new Map(due.map((r, i) => [r.id, i]));
      return rows.sort((x, y) => order.get(x.id)! - order.get(y.id)!).map(toDraft);
    },
    async recordPreviewTry(id, status, giveUp) {
      // Raw, so the draft's updated_at (the start of its repair window) stays when it finished.
      await prisma.$executeRaw`
        UPDATE email_drafts SET preview_tries = preview_tries + 1, preview_tried_at = now(),
          preview_outcome = CASE WHEN ${giveUp} THEN status ELSE preview_outcome END
        WHERE id = ${id}::uuid AND status = ${status}`;
    },
    async listOpenForUser(teamId, userId) {
      const rows = await prisma.emailDraft.findMany({
        where: { teamId, userId, status: { in: ['pending', 'sending'] } },
      });
      return rows.map(toDraft);
    },
  };
}
