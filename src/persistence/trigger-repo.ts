import type { PrismaClient } from '../generated/prisma/client';

export interface TriggerRow {
  teamId: string;
  channelId: string;
  ts: string;
  threadTs: string | null;
  userId: string | null;
  botId: string | null;
  /** The author's workspace; differs from teamId when the author came in through Slack Connect. */
  authorTeamId: string | null;
  isBot: boolean;
  eventType: string;
  createdAt: Date;
}

export function createTriggerRepo(prisma: PrismaClient) {
  return {
    /** Idempotent: Slack redeliveries and message + app_mention for the same ts record one row. */
    async record(row: Omit<TriggerRow, 'createdAt'>): Promise<void> {
      await prisma.triggerMessage.upsert({
        where: { teamId_channelId_ts: { teamId: row.teamId, channelId: row.channelId, ts: row.ts } },
        create: row,
        update: {},
      });
    },
    async findByTs(teamId: string | undefined, ts: string, channelId?: string): Promise<TriggerRow[]> {
      return prisma.triggerMessage.findMany({
        where: { ts, ...(teamId ? { teamId } : {}), ...(channelId ? { channelId } : {}) },
        take: 5,
      });
    },
    async purgeOlderThan(cutoff: Date): Promise<number> {
      const { count } = await prisma.triggerMessage.deleteMany({ where: { createdAt: { lt: cutoff } } });
      return count;
    },
  };
}

export type TriggerRepo = ReturnType<typeof createTriggerRepo>;
