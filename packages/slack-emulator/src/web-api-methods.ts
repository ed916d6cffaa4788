import { blocksError } from './block-limits';
import { botMessage } from './bot-message';
import { conversationsHistory, metadataOf } from './message-history';
import type { Recorder } from './recorder';
import type { ViewStore } from './views';
import type { Workspace } from './workspace';

type Args = Record<string, unknown>;
/** A Web API answer body, `ok` included. */
export type MethodResult = Record<string, unknown>;

export interface MethodContext {
  workspace: Workspace;
  recorder: Recorder;
  views: ViewStore;
  nextTs: () => string;
  /** Issues a single-use Socket Mode URL. */
  openSocketUrl: () => string;
}

type Method = (args: Args, ctx: MethodContext) => MethodResult;

const str = (args: Args, key: string): string | undefined => {
  const value = args[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const blocksOf = (args: Args): unknown[] | undefined =>
  Array.isArray(args.blocks) ? args.blocks : undefined;
const fail = (error: string): MethodResult => ({ ok: false, error });

function hasContent(args: Args): boolean {
  return str(args, 'text') !== undefined || blocksOf(args) !== undefined || Array.isArray(args.attachments);
}

/** Why Slack would refuse the message's content, if it would. */
const contentError = (args: Args): string | undefined =>
  hasContent(args) ? blocksError(args.blocks) : 'no_text';

const postMessage: Method = (args, ctx) => {
  const target = str(args, 'channel');
  if (!target) return fail('channel_not_found');
  const problem = contentError(args);
  if (problem) return fail(problem);
  const { metadata, error: metadataError } = metadataOf(args);
  if (metadataError) return fail(metadataError);
  const channel = ctx.workspace.resolveChannel(target);
  const ts = ctx.nextTs();
  const stored = {
    channel,
    ts,
    text: str(args, 'text'),
    blocks: blocksOf(args),
    threadTs: str(args, 'thread_ts'),
    metadata,
  };
  ctx.workspace.remember(stored);
  ctx.recorder.recordMessage({ kind: 'postMessage', ...stored });
  return { ok: true, channel, ts, message: botMessage(ctx.workspace, stored, true) };
};

const postEphemeral: Method = (args, ctx) => {
  const target = str(args, 'channel');
  const user = str(args, 'user');
  if (!target) return fail('channel_not_found');
  if (!user) return fail('user_not_found');
  const problem = contentError(args);
  if (problem) return fail(problem);
  const channel = ctx.workspace.resolveChannel(target);
  if (!ctx.workspace.isMember(channel, user)) return fail('user_not_in_channel');
  const ts = ctx.nextTs();
  const threadTs = str(args, 'thread_ts');
  ctx.recorder.recordMessage({
    kind: 'postEphemeral',
    channel,
    user,
    ts,
    threadTs,
    text: str(args, 'text'),
    blocks: blocksOf(args),
  });
  return { ok: true, message_ts: ts };
};

const update: Method = (args, ctx) => {
  const channel = ctx.workspace.resolveChannel(str(args, 'channel') ?? '');
  const ts = str(args, 'ts') ?? '';
  const stored = ctx.workspace.find(channel, ts);
  if (!stored) return fail('message_not_found');
  const problem = contentError(args);
  if (problem) return fail(problem);
  // Slack keeps the previous blocks when an update omits them; `blocks: []` removes them.
  stored.text = str(args, 'text') ?? stored.text;
  stored.blocks = blocksOf(args) ?? stored.blocks;
  ctx.recorder.recordMessage({
    kind: 'update',
    channel,
    ts,
    threadTs: stored.threadTs,
    text: stored.text,
    blocks: stored.blocks,
  });
  const message = botMessage(ctx.workspace, stored, false);
  return { ok: true, channel, ts, text: stored.text ?? '', message };
};

const remove: Method = (args, ctx) => {
  const channel = ctx.workspace.resolveChannel(str(args, 'channel') ?? '');
  const ts = str(args, 'ts') ?? '';
  if (!ctx.workspace.forget(channel, ts)) return fail('message_not_found');
  ctx.recorder.recordMessage({ kind: 'delete', channel, ts });
  return { ok: true, channel, ts };
};

const openConversation: Method = (args, ctx) => {
  const users = str(args, 'users');
  if (!users) return fail('users_list_not_supplied');
  return { ok: true, no_op: false, already_open: false, channel: { id: ctx.workspace.dmFor(users) } };
};

const usersInfo: Method = (args, ctx) => {
  const { workspace: w } = ctx;
  const user = w.users.get(str(args, 'user') ?? '');
  if (!user) return fail('user_not_found');
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: w.teamId,
      name: user.name,
      deleted: false,
      real_name: user.realName,
      is_bot: user.isBot,
      is_app_user: false,
      ...timeZone(user.tz),
      profile: { email: user.email, real_name: user.realName, display_name: user.name, team: w.teamId },
    },
  };
};

/** users.info's tz, tz_label and tz_offset (seconds east of UTC, for now) of an IANA zone. */
function timeZone(tz: string): { tz: string; tz_label: string; tz_offset: number } {
  const now = new Date();
  const part = (timeZoneName: 'long' | 'longOffset') =>
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName })
      .formatToParts(now)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset'));
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  return { tz, tz_label: part('long'), tz_offset: offset };
}

/** Every method the emulator knows; anything else is `unknown_method`. */
export const WEB_API_METHODS: Record<string, Method> = {
  'auth.test': (_args, { workspace: w }) => ({
    ok: true,
    url: `https://${w.domain}.slack.com/`,
    team: w.teamName,
    user: w.users.get(w.botUserId)?.name ?? 'bot',
    team_id: w.teamId,
    user_id: w.botUserId,
    bot_id: w.botId,
    is_enterprise_install: false,
  }),
  'apps.connections.open': (_args, ctx) => ({ ok: true, url: ctx.openSocketUrl() }),
  'chat.postMessage': postMessage,
  'chat.postEphemeral': postEphemeral,
  'chat.update': update,
  'chat.delete': remove,
  'conversations.open': openConversation,
  'conversations.history': conversationsHistory,
  'users.info': usersInfo,
  'views.open': (args, ctx) => ctx.views.open(args),
  'views.push': (args, ctx) => ctx.views.push(args),
  'views.update': (args, ctx) => ctx.views.update(args),
  'views.publish': (args, ctx) => ctx.views.publish(args),
  'team.info': (_args, { workspace: w }) => ({
    ok: true,
    team: {
      id: w.teamId,
      name: w.teamName,
      domain: w.domain,
      email_domain: '',
      icon: { image_default: true },
    },
  }),
};
