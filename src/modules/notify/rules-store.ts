import type { NotificationRules as NotificationRulesRow, PrismaClient } from '../../generated/prisma/client';
import type { HeldMail, HeldStore, RulesStore } from './domain/held-delivery';
import type { NotificationRules } from './domain/rules';
import type { Delivery } from './domain/quiet-hours';
import type { Sealer } from '../../shared/crypto';
import type { SqlPool } from '../../platform/prisma';

const DELIVERY: Record<string, Delivery> = { each: 'each', hourly: 'hourly', daily: 'daily' };

/** Each person's notification rules (`notification_rules`). */
export function createRulesRepo(prisma: PrismaClient, sql: SqlPool): RulesStore {
  const key = (teamId: string, userId: string) => ({ teamId_userId: { teamId, userId } });
  return {
    async rulesOf(teamId, userId) {
      // Every sync reads this: plain SQL on Prisma's pool, well under Prisma's client in CPU.
      const { rows } = await sql.query<Omit<NotificationRulesRow, 'updatedAt'>>(
        `SELECT team_id AS "teamId", user_id AS "userId", senders, skip_categories AS "skipCategories",
          quiet_start AS "quietStart", quiet_end AS "quietEnd", delivery, time_zone AS "timeZone"
        FROM notification_rules WHERE team_id = $1 AND user_id = $2`,
        [teamId, userId],
      );
      const [row] = rows;
      if (!row) return undefined;
      return {
        senders: row.senders,
        skipCategories: row.skipCategories,
        quiet:
          row.quietStart !== null && row.quietEnd !== null
            ? { start: row.quietStart, end: row.quietEnd }
            : null,
        delivery: DELIVERY[row.delivery] ?? 'each',
        timeZone: row.timeZone,
      };
    },
    async save(teamId, userId, r: NotificationRules) {
      const data = {
        senders: r.senders,
        skipCategories: r.skipCategories,
        quietStart: r.quiet?.start ?? null,
        quietEnd: r.quiet?.end ?? null,
        delivery: r.delivery,
        timeZone: r.timeZone,
        updatedAt: new Date(),
      };
      await prisma.notificationRules.upsert({
        where: key(teamId, userId),
        create: { teamId, userId, ...data },
        update: data,
      });
    },
    async setTimeZone(teamId, userId, timeZone) {
      await prisma.notificationRules.updateMany({ where: { teamId, userId }, data: { timeZone } });
    },
  };
}

/** AAD context of `held_notifications.sealed_headers`: a ciphertext moved to another row does not open. */
export const heldContext = (mailboxId: string, gmailId: string) => `held-mail|${mailboxId}|${gmailId}`;

/** Mail held for a digest (`held_notifications`); its headers are sealed at rest, like draft content. */
export function createHeldRepo(prisma: PrismaClient, sealer: Sealer): HeldStore {
  return {
    async hold(mailboxId, account, mails, dueAt) {
      await prisma.heldNotification.createMany({
        data: mails.map((m) => {
          const { threadId, from, subject, labelIds } = m;
          const headers = { threadId, from, subject, labelIds, account };
          const sealed = sealer.seal(JSON.stringify(headers), heldContext(mailboxId, m.id));
          return {
            mailboxId,
            gmailMessageId: m.id,
            sealedHeaders: new Uint8Array(sealed.ciphertext),
            keyVersion: sealed.keyVersion,
            receivedAt: m.receivedAt,
            dueAt,
          };
        }),
        skipDuplicates: true,
      });
    },
    async due(mailboxId, until) {
      const rows = await prisma.heldNotification.findMany({
        where: { mailboxId, dueAt: { lte: until } },
        orderBy: [{ receivedAt: 'asc' }, { gmailMessageId: 'asc' }],
      });
      return rows.map((r) => {
        const sealed = { ciphertext: Buffer.from(r.sealedHeaders), keyVersion: r.keyVersion };
        const h = JSON.parse(sealer.openString(sealed, heldContext(mailboxId, r.gmailMessageId))) as Omit<
          HeldMail,
          'id' | 'receivedAt'
        >;
        return { id: r.gmailMessageId, ...h, receivedAt: r.receivedAt };
      });
    },
    async drop(mailboxId, gmailIds) {
      if (gmailIds.length === 0) return;
      await prisma.heldNotification.deleteMany({ where: { mailboxId, gmailMessageId: { in: gmailIds } } });
    },
    async reschedule(mailboxId, dueAt, dueBy) {
      const where = dueBy ? { mailboxId, dueAt: { lte: dueBy } } : { mailboxId };
      const { count } = await prisma.heldNotification.updateMany({ where, data: { dueAt } });
      return count > 0;
    },
    async dropAll(mailboxId) {
      await prisma.heldNotification.deleteMany({ where: { mailboxId } });
    },
    async overdue(before, limit) {
      const rows = await prisma.heldNotification.groupBy({
        by: ['mailboxId'],
        where: { dueAt: { lt: before } },
        _max: { dueAt: true },
        take: limit,
        // Longest waiting first: mailboxes whose digests keep failing cannot crowd out the others.
        orderBy: { _min: { dueAt: 'asc' } },
      });
      return rows.map((r) => ({ mailboxId: r.mailboxId, dueAt: r._max.dueAt ?? before }));
    },
  };
}
