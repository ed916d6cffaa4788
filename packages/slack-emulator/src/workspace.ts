import { createHash } from 'node:crypto';
import type { ChannelInput, UserInput } from './types';

/** A message the bot posted, kept so chat.update/delete and block_actions can refer to it. */
export interface StoredMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  threadTs?: string;
  /** chat.postMessage's `metadata`, shown by conversations.history with `include_all_metadata`. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** Who is in the workspace and what the bot has posted where. */
export class Workspace {
  readonly users = new Map<string, Required<UserInput>>();
  readonly channels = new Map<string, ChannelInput>();
  private readonly posted = new Map<string, StoredMessage>();

  constructor(
    readonly teamId: string,
    readonly teamName: string,
    readonly botUserId: string,
    readonly botId: string,
    readonly appId: string,
  ) {}

  get domain(): string {
    return this.teamName.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  }

  addUser(u: UserInput): void {
    this.users.set(u.id, {
      id: u.id,
      name: u.name ?? u.id.toLowerCase(),
      realName: u.realName ?? u.name ?? u.id,
      isBot: u.isBot ?? false,
      email: u.email ?? '',
      tz: u.tz ?? 'America/Los_Angeles',
    });
  }

  addChannel(c: ChannelInput): void {
    this.channels.set(c.id, c);
  }

  /** The bot's DM channel with `userId`; derived, so it stays the same across emulator restarts. */
  dmFor(userId: string): string {
    return `D${createHash('sha256').update(`${this.teamId}/${userId}`).digest('hex').slice(0, 10).toUpperCase()}`;
  }

  /** Slack lets chat.* address a user id and delivers into the DM with the bot. */
  resolveChannel(channel: string): string {
    return channel.startsWith('U') || channel.startsWith('W') ? this.dmFor(channel) : channel;
  }

  channelName(channel: string): string {
    if (channel.startsWith('D')) return 'directmessage';
    return this.channels.get(channel)?.name ?? channel.toLowerCase();
  }

  /** False only when the channel was registered with a member list that lacks `userId`. */
  isMember(channel: string, userId: string): boolean {
    const members = this.channels.get(channel)?.members;
    return members === undefined || members.includes(userId);
  }

  remember(message: StoredMessage): void {
    this.posted.set(`${message.channel}/${message.ts}`, message);
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.posted.get(`${channel}/${ts}`);
  }

  /** The channel's messages, newest first (Slack's order for conversations.history). */
  historyOf(channel: string): StoredMessage[] {
    return [...this.posted.values()]
      .filter((m) => m.channel === channel)
      .sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0));
  }

  forget(channel: string, ts: string): boolean {
    return this.posted.delete(`${channel}/${ts}`);
  }
}
