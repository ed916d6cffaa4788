import { randomHex, slackId } from './ids';
import type { BlockActionInput, EventOptions, SlashCommandInput } from './types';
import type { Workspace } from './workspace';

/** Socket Mode payloads carry the (deprecated) verification token too; Bolt ignores it. */
const VERIFICATION_TOKEN = 'emulator-verification-token';

function userName(w: Workspace, userId: string): string {
  return w.users.get(userId)?.name ?? userId.toLowerCase();
}

/** The form fields of a slash command, as Socket Mode delivers them (strings only). */
export function slashCommandPayload(
  w: Workspace,
  c: SlashCommandInput,
  channelId: string,
  responseUrl: string,
): Record<string, unknown> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: c.teamId ?? w.teamId,
    team_domain: w.domain,
    channel_id: channelId,
    channel_name: w.channelName(channelId),
    user_id: c.userId,
    user_name: userName(w, c.userId),
    command: c.command,
    text: c.text ?? '',
    api_app_id: w.appId,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: c.triggerId,
  };
}

/** An Events API `event_callback` around `event`; message-like events get `ts`/`event_ts` when absent. */
export function eventCallbackPayload(
  w: Workspace,
  event: Record<string, unknown>,
  opts: EventOptions,
  nextTs: () => string,
): Record<string, unknown> {
  const ts = typeof event.ts === 'string' ? event.ts : nextTs();
  const filled = {
    ...(event.type === 'message' || event.type === 'app_mention' ? { ts } : {}),
    event_ts: ts,
    ...event,
  };
  const enterpriseId = opts.enterpriseId ?? null;
  return {
    token: VERIFICATION_TOKEN,
    team_id: w.teamId,
    ...(enterpriseId ? { enterprise_id: enterpriseId } : {}),
    context_team_id: w.teamId,
    context_enterprise_id: enterpriseId,
    api_app_id: w.appId,
    event: filled,
    type: 'event_callback',
    event_id: opts.eventId ?? slackId('Ev'),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: enterpriseId,
        team_id: w.teamId,
        user_id: w.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    // A Slack Connect author (user_team / source_team of another workspace) writes in a shared channel.
    is_ext_shared_channel:
      opts.isExtSharedChannel ??
      [event.user_team, event.source_team].some((t) => t !== undefined && t !== w.teamId),
    event_context: `4-${randomHex(24)}`,
  };
}

/** A `block_actions` payload for one button click; the clicked message is included when the bot posted it. */
export function blockActionsPayload(
  w: Workspace,
  a: BlockActionInput,
  channelId: string,
  responseUrl: string,
  triggerId: string,
): Record<string, unknown> {
  const stored = a.messageTs && !a.isEphemeral ? w.find(channelId, a.messageTs) : undefined;
  const threadTs = a.threadTs ?? stored?.threadTs;
  return {
    type: 'block_actions',
    user: {
      id: a.userId,
      username: userName(w, a.userId),
      name: userName(w, a.userId),
      team_id: a.teamId ?? w.teamId,
    },
    api_app_id: w.appId,
    token: VERIFICATION_TOKEN,
    container: {
      type: 'message',
      message_ts: a.messageTs,
      channel_id: channelId,
      is_ephemeral: a.isEphemeral ?? false,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    },
    trigger_id: triggerId,
    team: { id: a.teamId ?? w.teamId, domain: w.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: w.channelName(channelId) },
    ...(stored
      ? {
          message: {
            type: 'message',
            user: w.botUserId,
            bot_id: w.botId,
            app_id: w.appId,
            ts: stored.ts,
            text: stored.text ?? '',
            ...(stored.blocks ? { blocks: stored.blocks } : {}),
            ...(stored.threadTs ? { thread_ts: stored.threadTs } : {}),
          },
        }
      : {}),
    state: { values: {} },
    response_url: responseUrl,
    actions: [
      {
        type: 'button',
        action_id: a.actionId,
        block_id: a.blockId ?? randomHex(4),
        text: { type: 'plain_text', text: a.actionId, emoji: true },
        value: a.value,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}
