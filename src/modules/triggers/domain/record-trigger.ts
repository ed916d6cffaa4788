import type { TriggerRow } from '../trigger-store';

/** The parts of a Slack message event that identify its author and place — never its text. */
export interface IncomingMessage {
  type: string;
  subtype?: string;
  team?: string;
  channel?: string;
  ts?: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  /** Slack Connect: the author's own workspace, and the workspace the message came from. */
  user_team?: string;
  source_team?: string;
}

/** Subtypes that are not new messages by someone (edits, deletions, joins...) are not triggers. */
const AUTHORED_SUBTYPES = new Set([undefined, 'bot_message', 'thread_broadcast', 'file_share', 'me_message']);

export const TRIGGER_RETENTION_DAYS = 7;

/** What the envelope around the event says about the workspace and the channel. */
export interface EnvelopeContext {
  /** The workspace this app serves (envelope `team_id`), where connections live. */
  teamId: string;
  /** Enterprise Grid: the organisation of that workspace (envelope `enterprise_id`). */
  enterpriseId?: string | null;
  /** The channel is shared with another organisation (Slack Connect). */
  isExtSharedChannel?: boolean;
}

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

export function toTriggerRow(
  event: IncomingMessage,
  context: EnvelopeContext,
): Omit<TriggerRow, 'createdAt'> | undefined {
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

export function triggerCutoff(now: Date): Date {
  return new Date(now.getTime() - TRIGGER_RETENTION_DAYS * 24 * 3600 * 1000);
}
