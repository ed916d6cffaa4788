import type { types, webApi } from '@slack/bolt';

type WebClient = webApi.WebClient;
export type KnownBlock = types.KnownBlock;

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** The Slack Web API calls features make, with Block Kit messages that always carry a text fallback. */
export function createSlackMessenger(client: WebClient) {
  const dmChannel = async (userId: string) => {
    const opened = await client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error('conversations.open returned no channel');
    return channel;
  };
  return {
    dmChannel,
    async dm(userId: string, message: SlackMessage): Promise<{ channel: string; ts: string }> {
      const channel = await dmChannel(userId);
      const res = await client.chat.postMessage({ channel, ...message });
      return { channel, ts: res.ts ?? '' };
    },
    async ephemeral(p: { channel: string; user: string; threadTs?: string } & SlackMessage): Promise<void> {
      await client.chat.postEphemeral({
        channel: p.channel,
        user: p.user,
        thread_ts: p.threadTs,
        text: p.text,
        blocks: p.blocks,
      });
    },
    async update(p: { channel: string; ts: string } & SlackMessage): Promise<void> {
      await client.chat.update({ channel: p.channel, ts: p.ts, text: p.text, blocks: p.blocks ?? [] });
    },
  };
}

export type SlackMessenger = ReturnType<typeof createSlackMessenger>;
