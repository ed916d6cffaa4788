import type { TriggerRow } from '../../persistence/trigger-repo';

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

/**
 * `workspaceTeamId` is the envelope's team: the workspace this app serves, where connections live.
 * In a Slack Connect channel the event's own team fields name the author's workspace instead.
 */
export function toTriggerRow(
  event: IncomingMessage,
  workspaceTeamId: string,
): Omit<TriggerRow, 'createdAt'> | undefined {
  if (!AUTHORED_SUBTYPES.has(event.subtype) || !event.channel || !event.ts) return undefined;
  if (!event.user && !event.bot_id) return undefined;
  const teamId = workspaceTeamId || event.team || '';
  return {
    teamId,
    authorTeamId: event.user_team ?? event.source_team ?? event.team ?? teamId,
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
