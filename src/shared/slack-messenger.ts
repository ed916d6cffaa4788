import type { types, webApi } from '@slack/bolt';

type WebClient = webApi.WebClient;
export type KnownBlock = types.KnownBlock;

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
  /** Slack message metadata: machine-readable ids the app can read back from the conversation. */
  metadata?: { event_type: string; event_payload: Record<string, string> };
}

/** Page size for reading a DM back; Slack allows up to 999 for internal apps. */
const HISTORY_PAGE = 200;

/** The Slack Web API calls features make, with Block Kit messages that always carry a text fallback. */
export function createSlackMessenger(client: WebClient, opts: { historyPage?: number } = {}) {
  const historyPage = opts.historyPage ?? HISTORY_PAGE;
  const dmChannel = async (userId: string) => {
    const opened = await client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error('conversations.open returned no channel');
    return channel;
  };
  /** Metadata of the messages of a channel posted after `since`, newest first, every page read. */
  async function metadataSince(channel: string, since: Date): Promise<unknown[]> {
    const found: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.conversations.history({
        channel,
        oldest: (since.getTime() / 1000).toFixed(6),
        include_all_metadata: true,
        limit: historyPage,
        cursor,
      });
      for (const m of page.messages ?? []) if (m.metadata) found.push(m.metadata);
      cursor = page.has_more ? page.response_metadata?.next_cursor : undefined;
      // More pages but no way to reach them: an incomplete read must not pass for "not posted".
      if (page.has_more && !cursor) {
        throw Object.assign(new Error('conversations.history has more pages but no cursor'), {
          code: 'slack_webapi_platform_error',
          data: { error: 'internal_error' },
        });
      }
    } while (cursor);
    return found;
  }
  return {
    dmChannel,
    async dm(userId: string, message: SlackMessage): Promise<{ channel: string; ts: string }> {
      const channel = await dmChannel(userId);
      const res = await client.chat.postMessage({ channel, ...message });
      return { channel, ts: res.ts ?? '' };
    },
    /** Posts to a channel opened before (`dmChannel`). */
    async post(channel: string, message: SlackMessage): Promise<{ ts: string }> {
      const res = await client.chat.postMessage({ channel, ...message });
      return { ts: res.ts ?? '' };
    },
    /**
     * Metadata of the messages in the bot's DM with `userId` posted after `since`, newest first:
     * the same channel `dm` posts to (conversations.open), so what was posted is what is read.
     */
    dmMetadataSince: async (userId: string, since: Date): Promise<unknown[]> =>
      metadataSince(await dmChannel(userId), since),
    /** As `dmMetadataSince`, for a DM channel opened before (`dmChannel`). */
    metadataSince,
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
