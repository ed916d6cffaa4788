import type { PrismaClient } from '../../generated/prisma/client';
import type { SqlPool } from '../../platform/prisma';
import type { MailboxStore } from './domain/ports';
import { lapseExpiredWatches } from './mailbox-lapse';
import { announcementStatements } from './mailbox-announcements';
import { MAILBOX_COLUMN_LIST, reasonOf, toRecord, type RawRow } from './mailbox-row';
import type { MailboxProblem } from './domain/types';

/** Prisma's defaults (2 s for a connection, 5 s in all) would fail a turn-off under load. */
const TURN_OFF_TX = { maxWait: 5_000, timeout: 15_000 };

const dropsHeld = (p: MailboxProblem | null): boolean =>
  p?.kind === 'turned_off' || p?.kind === 'disconnected';

/** Mailbox rows (cursor, watch, health) and the notified-message record, for the notify feature. */
export function createMailboxRepo(
  prisma: PrismaClient,
  sql: SqlPool,
): MailboxStore & {
  touchPushByEmail(email: string, now: Date): Promise<Array<{ id: string; enabled: boolean }>>;
  touchPushIfOlder(email: string, now: Date, since: Date): Promise<void>;
  purgeNotifiedBefore(before: Date): Promise<number>;
} {
  // The statements every sync makes (even one with nothing to read) are plain SQL on Prisma's own
  // pool: Prisma's client costs more CPU per statement than the round trip (bench/README.md, fourth pass).
  const announcements = announcementStatements(sql);
  return {
    async findById(id) {
      const select = `SELECT ${MAILBOX_COLUMN_LIST} FROM mailboxes WHERE id = $1::uuid`;
      const [row] = (await sql.query<RawRow>(select, [id])).rows;
      return row ? toRecord(row) : undefined;
    },
    async findByConnection(connectionId) {
      const row = await prisma.mailbox.findUnique({ where: { connectionId } });
      return row ? toRecord(row) : undefined;
    },
    async enable({ connection, historyId, watchExpiresAt, now, resetCursor }) {
      const on = {
        teamId: connection.teamId,
        userId: connection.userId,
        email: connection.email,
        enabled: true,
        watchExpiresAt,
        state: 'ok',
        stateReason: null,
        lapseNotifiedAt: null,
      };
      const cursor = { historyId: historyId.toString(), lastSyncAt: now };
      const row = await prisma.mailbox.upsert({
        where: { connectionId: connection.id },
        create: { connectionId: connection.id, ...on, ...cursor },
        update: resetCursor ? { ...on, ...cursor } : on,
      });
      return toRecord(row);
    },
    // Turned off or disconnected: held mail goes too (a lapsed grant keeps it for its digest).
    async disable(connectionId, state, problem) {
      const reason = reasonOf(problem);
      // One statement reads the previous state and writes the new one, so two concurrent
      // "off"s cannot both believe they turned notifications off. Pending intents are abandoned in
      // the same statement: a turned-off mailbox announces nothing, turning it on again starts from
      // a fresh cursor, so no sync would ever reconcile them (and reading the DM back that far).
      // FOR UPDATE, not a weaker lock: recordIntent's FOR KEY SHARE must wait for this turn-off. The
      // row is locked by a statement of its own first: a turn-off that waits for an intent in flight
      // then reads the intents with a snapshot taken after it committed, and abandons it too.
      const rows = await prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM mailboxes WHERE connection_id = ${connectionId}::uuid FOR UPDATE`;
        return tx.$queryRaw<Array<{ id: string; email: string; was_enabled: boolean }>>`
        WITH changed AS (
          UPDATE mailboxes m SET enabled = false, state = ${state}, state_reason = ${reason}, updated_at = now()
          FROM (SELECT id, enabled FROM mailboxes WHERE connection_id = ${connectionId}::uuid FOR UPDATE) old
          WHERE m.id = old.id
          RETURNING m.id, m.email, old.enabled AS was_enabled
        ), abandoned AS (
          UPDATE notified_messages n SET state = 'abandoned'
          FROM changed WHERE n.mailbox_id = changed.id AND n.state = 'pending'
        ), unheld AS (
          DELETE FROM held_notifications h USING changed
          WHERE h.mailbox_id = changed.id AND ${dropsHeld(problem)}
        )
        SELECT id::text AS id, email, was_enabled FROM changed`;
        // Waits for a connection and for the row as long as a single statement would (pool and close budgets).
      }, TURN_OFF_TX);
      const row = rows[0];
      return row ? { id: row.id, email: row.email, wasEnabled: row.was_enabled } : undefined;
    },
    async recordWatch(id, watchExpiresAt) {
      await prisma.$executeRaw`
        UPDATE mailboxes SET watch_expires_at = ${watchExpiresAt}, lapse_notified_at = NULL, updated_at = now(),
          state_reason = CASE WHEN state = 'lapsed' THEN NULL ELSE state_reason END,
          state = CASE WHEN state = 'lapsed' THEN 'ok' ELSE state END
        WHERE id = ${id}::uuid`;
    },
    async advanceCursor(id, historyId) {
      const value = historyId.toString();
      const { count } = await prisma.mailbox.updateMany({
        where: { id, OR: [{ historyId: null }, { historyId: { lt: value } }] },
        data: { historyId: value },
      });
      return count === 1;
    },
    recordSync: announcements.recordSync,
    async setState(id, state, problem) {
      await prisma.mailbox.updateMany({ where: { id }, data: { state, stateReason: reasonOf(problem) } });
    },
    lapseExpired: lapseExpiredWatches(prisma),
    async claimLapseNotice(id, now) {
      const { count } = await prisma.mailbox.updateMany({
        where: { id, lapseNotifiedAt: null },
        data: { lapseNotifiedAt: now },
      });
      return count === 1;
    },
    async unnotified(id, gmailIds) {
      if (gmailIds.length === 0) return [];
      const done = `SELECT gmail_message_id AS g FROM notified_messages
        WHERE mailbox_id = $1::uuid AND gmail_message_id = ANY($2::text[])`;
      const seen = new Set((await sql.query<{ g: string }>(done, [id, gmailIds])).rows.map((d) => d.g));
      return gmailIds.filter((g) => !seen.has(g));
    },
    recordIntent: announcements.recordIntent,
    markNotified: announcements.markNotified,
    async pendingIntents(id) {
      const pending = `SELECT gmail_message_id AS "gmailId", created_at AS "intendedAt" FROM notified_messages
        WHERE state = 'pending' AND mailbox_id = $1::uuid`;
      return (await sql.query<{ gmailId: string; intendedAt: Date }>(pending, [id])).rows;
    },
    async releaseIntents(id, gmailIds) {
      if (gmailIds.length === 0) return;
      await prisma.notifiedMessage.deleteMany({
        where: { mailboxId: id, gmailMessageId: { in: gmailIds }, state: 'pending' },
      });
    },
    async dueForRenewal(before) {
      const rows = await prisma.mailbox.findMany({
        where: { enabled: true, OR: [{ watchExpiresAt: null }, { watchExpiresAt: { lt: before } }] },
      });
      return rows.map(toRecord);
    },
    async silentSince(since) {
      const rows = await prisma.mailbox.findMany({
        where: {
          enabled: true,
          AND: [
            { OR: [{ lastPushAt: null }, { lastPushAt: { lt: since } }] },
            { OR: [{ lastSyncAt: null }, { lastSyncAt: { lt: since } }] },
          ],
        },
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },
    async touchPushByEmail(email, now) {
      return prisma.$queryRaw<Array<{ id: string; enabled: boolean }>>`
        UPDATE mailboxes SET last_push_at = ${now} WHERE email = ${email} RETURNING id::text AS id, enabled`;
    },
    async touchPushIfOlder(email, now, since) {
      await prisma.$executeRaw`
        UPDATE mailboxes SET last_push_at = ${now}
        WHERE email = ${email} AND (last_push_at IS NULL OR last_push_at < ${since})`;
    },
    async purgeNotifiedBefore(before) {
      const { count } = await prisma.notifiedMessage.deleteMany({ where: { createdAt: { lt: before } } });
      return count;
    },
  };
}

export type MailboxRepo = ReturnType<typeof createMailboxRepo>;
