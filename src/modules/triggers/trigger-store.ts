import type { PrismaClient } from '../../generated/prisma/client';

export interface TriggerRow {
  teamId: string;
  channelId: string;
  ts: string;
  threadTs: string | null;
  userId: string | null;
  botId: string | null;
  /** The author's workspace; differs from teamId when the author came in through Slack Connect. */
  authorTeamId: string | null;
  /** true: a member of this workspace or its organisation; false: from elsewhere; null: unknown. */
  authorIsMember: boolean | null;
  isBot: boolean;
  eventType: string;
  createdAt: Date;
}

export function createTriggerRepo(prisma: PrismaClient) {
  return {
    /**
     * Idempotent: Slack redeliveries and message + app_mention for the same ts record one row. The
     * events of one ts may say different amounts about the author (an app_mention may name no team):
     * whichever comes first, a foreign author is kept (never downgraded to member) and an unknown one
     * is settled by the first event that names the team.
     */
    async record(row: Omit<TriggerRow, 'createdAt'>): Promise<void> {
      await prisma.$executeRaw`
        INSERT INTO trigger_messages (id, team_id, channel_id, ts, thread_ts, user_id, bot_id,
          author_team_id, author_is_member, is_bot, event_type)
        VALUES (gen_random_uuid(), ${row.teamId}, ${row.channelId}, ${row.ts}, ${row.threadTs},
          ${row.userId}, ${row.botId}, ${row.authorTeamId}, ${row.authorIsMember}, ${row.isBot},
          ${row.eventType})
        ON CONFLICT (team_id, channel_id, ts) DO UPDATE SET
          author_is_member = CASE
            WHEN trigger_messages.author_is_member IS FALSE OR EXCLUDED.author_is_member IS FALSE THEN FALSE
            ELSE COALESCE(trigger_messages.author_is_member, EXCLUDED.author_is_member) END,
          author_team_id = CASE
            WHEN EXCLUDED.author_is_member IS FALSE AND trigger_messages.author_is_member IS NOT FALSE
              THEN EXCLUDED.author_team_id
            ELSE COALESCE(trigger_messages.author_team_id, EXCLUDED.author_team_id) END`;
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
