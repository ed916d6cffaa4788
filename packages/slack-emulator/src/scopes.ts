/**
 * The bot scope each Web API method needs, from Slack's method reference ("Bot token" scopes). One table
 * for every method the emulator serves: a method added to WEB_API_METHODS gets its row here (the
 * emulator's tests fail otherwise). Methods that take several scopes depending on the conversation
 * (conversations.*) pick the one that fits the call, as Slack does.
 */
type Args = Record<string, unknown>;
type ScopeRule = string | null | ((args: Args) => string);

/** Direct-message ids start with D, private channels (older ids) with G, public channels with C. */
function historyScope(args: Args): string {
  const channel = typeof args.channel === 'string' ? args.channel : '';
  if (channel.startsWith('D')) return 'im:history';
  return channel.startsWith('G') ? 'groups:history' : 'channels:history';
}

export const METHOD_SCOPES: Record<string, ScopeRule> = {
  // Any valid token may call it; apps.connections.open is guarded by the token type (connections:write).
  'auth.test': null,
  'apps.connections.open': null,
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'chat.delete': 'chat:write',
  // One user opens a DM (im:write); several open a group DM (mpim:write).
  'conversations.open': (args) =>
    typeof args.users === 'string' && args.users.includes(',') ? 'mpim:write' : 'im:write',
  'conversations.history': historyScope,
  'users.info': 'users:read',
  'team.info': 'team:read',
  // Modals and App Home need no scope beyond the bot token itself.
  'views.open': null,
  'views.update': null,
  'views.push': null,
  'views.publish': null,
};

/** The scope `method` needs for this call but the token lacks; undefined when it may proceed. */
export function missingScope(method: string, args: Args, granted: ReadonlySet<string>): string | undefined {
  const rule = METHOD_SCOPES[method];
  if (rule === undefined) throw new Error(`no scope rule for ${method}: add it to METHOD_SCOPES`);
  const needed = typeof rule === 'function' ? rule(args) : rule;
  return needed === null || granted.has(needed) ? undefined : needed;
}
