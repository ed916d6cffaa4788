import type { TriggerStore } from './ports';
import type { EnvelopeContext, IncomingMessage, NewTrigger } from './types';

/** Subtypes that are not new messages by someone (edits, deletions, joins...) are not triggers. */
const AUTHORED_SUBTYPES = new Set([undefined, 'bot_message', 'thread_broadcast', 'file_share', 'me_message']);

/**
 * Whether the author belongs here, decided only from what Slack states:
 * - the author's team (`user_team`, else `source_team`, else `team`) is this workspace or its
 *   Enterprise Grid organisation (Grid often names the organisation `E…` there): member;
 * - in a Grid channel that is not externally shared, every author is of the same organisation, so a
 *   sibling workspace's user is a member too;
 * - any other stated team: not a member;
 * - no team stated: a member in a channel that is not externally shared; unknown (null) in one that
 *   is, and unknown never stages.
 */
function authorMembership(authorTeamId: string | null, ctx: EnvelopeContext): boolean | null {
  const sameOrg = Boolean(ctx.enterpriseId) && !ctx.isExtSharedChannel;
  if (authorTeamId === null) return ctx.isExtSharedChannel ? null : true;
  if (authorTeamId === ctx.teamId) return true;
  if (ctx.enterpriseId && authorTeamId === ctx.enterpriseId) return true;
  return sameOrg;
}

/** The trigger a message event stands for, or undefined when it is no new message by someone. */
export function toTrigger(event: IncomingMessage, context: EnvelopeContext): NewTrigger | undefined {
  if (!AUTHORED_SUBTYPES.has(event.subtype) || !event.channel || !event.ts) return undefined;
  if (!event.user && !event.bot_id) return undefined;
  const teamId = context.teamId || event.team || '';
  const authorTeamId = event.user_team ?? event.source_team ?? event.team ?? null;
  return {
    teamId,
    authorTeamId,
    authorIsMember: authorMembership(authorTeamId, { ...context, teamId }),
    channelId: event.channel,
    ts: event.ts,
    threadTs: event.thread_ts ?? null,
    userId: event.user ?? null,
    botId: event.bot_id ?? null,
    isBot: Boolean(event.bot_id) || event.subtype === 'bot_message',
    eventType: event.type,
  };
}

export type RecordTrigger = (
  event: IncomingMessage,
  context: EnvelopeContext,
) => Promise<NewTrigger | undefined>;

/**
 * Records the event when it is a trigger of a known workspace and resolves the trigger once it is stored,
 * undefined for any other event. A failed write rejects: the caller must not acknowledge the event then.
 */
export const createRecordTrigger =
  (deps: { store: Pick<TriggerStore, 'record'> }): RecordTrigger =>
  async (event, context) => {
    const trigger = toTrigger(event, context);
    if (!trigger?.teamId) return undefined;
    await deps.store.record(trigger);
    return trigger;
  };
