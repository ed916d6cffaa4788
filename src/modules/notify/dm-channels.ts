/**
 * Most people whose DM channel is remembered at once; the longest remembered is forgotten first. An
 * entry is two short strings (about 100 bytes): past this many active people a process would open
 * DMs again on every announcement.
 */
const MAX_ENTRIES = 10_000;

/**
 * Each person's DM channel with the bot, opened once per process: Slack answers the same channel to
 * every `conversations.open` for a person, so only a channel Slack says is gone is opened again.
 */
export function createDmChannels(open: (userId: string) => Promise<string>, maxEntries = MAX_ENTRIES) {
  const channels = new Map<string, string>();
  return {
    /** The person's DM channel, and whether it came from memory rather than from Slack just now. */
    async get(userId: string): Promise<{ channel: string; remembered: boolean }> {
      const known = channels.get(userId);
      if (known) return { channel: known, remembered: true };
      const channel = await open(userId);
      if (channels.size >= maxEntries) channels.delete(channels.keys().next().value as string);
      channels.set(userId, channel);
      return { channel, remembered: false };
    },
    forget(userId: string): void {
      channels.delete(userId);
    },
  };
}
