/** A Slack message recorded as a possible trigger: who wrote it and where, never what it says. */
export interface Trigger {
  teamId: string;
  channelId: string;
  ts: string;
  threadTs: string | null;
  userId: string | null;
  botId: string | null;
  /** The author's workspace; differs from teamId when the author came in through Slack Connect. */
  authorTeamId: string | null;
  /** true: a member of this workspace or its organisation; false: from elsewhere; null: unknown. */
  authorIsMember: boolean | null;
  isBot: boolean;
  eventType: string;
  createdAt: Date;
}

/** A trigger about to be recorded; the store stamps its time. */
export type NewTrigger = Omit<Trigger, 'createdAt'>;

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

/** What the envelope around the event says about the workspace and the channel. */
export interface EnvelopeContext {
  /** The workspace this app serves (envelope `team_id`), where connections live. */
  teamId: string;
  /** Enterprise Grid: the organisation of that workspace (envelope `enterprise_id`). */
  enterpriseId?: string | null;
  /** The channel is shared with another organisation (Slack Connect). */
  isExtSharedChannel?: boolean;
}
