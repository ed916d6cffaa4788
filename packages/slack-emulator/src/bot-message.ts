import type { StoredMessage, Workspace } from './workspace';

/**
 * A message the bot posted, in the shape Slack returns it from chat.postMessage, chat.update and
 * conversations.history. `metadata` only where the method shows it (not chat.update, and
 * conversations.history only with `include_all_metadata`).
 */
export function botMessage(w: Workspace, m: StoredMessage, withMetadata: boolean): Record<string, unknown> {
  return {
    type: 'message',
    user: w.botUserId,
    bot_id: w.botId,
    app_id: w.appId,
    team: w.teamId,
    ts: m.ts,
    text: m.text ?? '',
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}
