import type { PrismaClient } from '../../generated/prisma/client';
import type { TriggerStore } from './domain/ports';

export function createTriggerRepo(prisma: PrismaClient): TriggerStore {
  return {
    async record(trigger) {
      await prisma.$executeRaw`
        INSERT INTO trigger_messages (id, team_id, channel_id, ts, thread_ts, user_id, bot_id,
          author_team_id, author_is_member, is_bot, event_type)
        VALUES (gen_random_uuid(), ${trigger.teamId}, ${trigger.channelId}, ${trigger.ts}, ${trigger.threadTs},
          ${trigger.userId}, ${trigger.botId}, ${trigger.authorTeamId}, ${trigger.authorIsMember},
          ${trigger.isBot}, ${trigger.eventType})
        ON CONFLICT (team_id, channel_id, ts) DO UPDATE SET
          author_is_member = CASE
            WHEN trigger_messages.author_is_member IS FALSE OR EXCLUDED.author_is_member IS FALSE THEN FALSE
            ELSE COALESCE(trigger_messages.author_is_member, EXCLUDED.author_is_member) END,
          author_team_id = CASE
            WHEN EXCLUDED.author_is_member IS FALSE AND trigger_messages.author_is_member IS NOT FALSE
              THEN EXCLUDED.author_team_id
            ELSE COALESCE(trigger_messages.author_team_id, EXCLUDED.author_team_id) END`;
    },
    async findByTs(teamId, ts, channelId) {
      return prisma.triggerMessage.findMany({
        where: { ts, ...(teamId ? { teamId } : {}), ...(channelId ? { channelId } : {}) },
        take: 5,
      });
    },
    async purgeOlderThan(cutoff) {
      const { count } = await prisma.triggerMessage.deleteMany({ where: { createdAt: { lt: cutoff } } });
      return count;
    },
  };
}
