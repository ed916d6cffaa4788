import type { SlackOidc } from './oidc';
import type {
  SlackView,
  ViewClickInput,
  ViewCloseInput,
  ViewErrorsRecord,
  ViewSubmissionResult,
  ViewSubmitInput,
} from './view-types';

export type * from './view-types';

/** Options of {@link startSlackEmulator}. */
export interface SlackEmulatorOptions {
  /** Listen port; 0 (default) picks a free one. */
  port?: number;
  /** Listen address; loopback only (default 127.0.0.1). */
  host?: string;
  /** The workspace the app is installed in (default `T0000000001`, "Test Workspace"). */
  teamId?: string;
  teamName?: string;
  /** Fixed credentials (e.g. for a dev setup that outlives restarts); random by default. */
  botToken?: string;
  appToken?: string;
  /** Receives one line per notable event (connections, envelopes, faults). Silent by default. */
  logger?: (msg: string) => void;
  /** How long an envelope waits for the client's ack before its promise rejects (default 5000). */
  ackTimeoutMs?: number;
  /** When > 0, the server pings every socket at this interval, as Slack does. Off by default. */
  pingIntervalMs?: number;
  /**
   * Bot scopes the app was granted (e.g. the manifest's `oauth_config.scopes.bot`): a method whose
   * scope is not among them answers `missing_scope`, as Slack does. Every scope when omitted.
   */
  scopes?: readonly string[];
  /** How long a trigger id may open a modal (default 3000, Slack's 3 seconds). */
  triggerTtlMs?: number;
}

/** One recorded Web API request, including faulted and rejected ones. */
export interface WebApiCall {
  method: string;
  /** Parsed body (and query); JSON-string fields such as `blocks` are decoded. */
  args: Record<string, unknown>;
  token?: string;
  at: Date;
  /** Set when an injected fault answered this call instead of the method. */
  faulted?: boolean;
}

/**
 * A normalized output the app produced. `ack` is a slash command or interaction acked with a body
 * (Slack shows such a body to the caller like an ephemeral response_url answer).
 */
export interface PostedMessage {
  kind: 'postMessage' | 'postEphemeral' | 'update' | 'delete' | 'response_url' | 'ack';
  channel?: string;
  user?: string;
  ts?: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
  /** chat.postMessage's `metadata` ({event_type, event_payload}), when it had one. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  replaceOriginal?: boolean;
  deleteOriginal?: boolean;
  responseType?: string;
  at: Date;
}

/** The frame a Socket Mode client answers an envelope with. */
export interface EnvelopeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/** A Socket Mode envelope as sent on the wire. */
export interface Envelope {
  envelope_id: string;
  type: 'slash_commands' | 'events_api' | 'interactive';
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** One Socket Mode connection, in the order they were opened. */
export interface SocketConnectionRecord {
  ticket: string;
  openedAt: Date;
  closedAt?: Date;
}

/**
 * Fault injected on a Web API method, `'*'`, `'response_url'` or `'apps.connections.open'`.
 * `status: 429` adds `Retry-After` (`retryAfter`, default 1 s); `error` answers `{ok:false,error}`
 * (HTTP 200 unless `status`); `drop` destroys the socket unanswered; `delayMs` alone only delays.
 */
export interface FaultSpec {
  status?: number;
  error?: string;
  delayMs?: number;
  drop?: boolean;
  retryAfter?: number;
  /**
   * The request is first handled as usual (a message is stored) and only its answer is faulted:
   * late (`delayMs`), an error status, or a dropped connection. What a client sees when Slack did
   * the work but the answer never arrived in time.
   */
  afterHandling?: boolean;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export interface SlashCommandInput {
  command: string;
  text?: string;
  userId: string;
  /** Defaults to the caller's DM with the bot. */
  channelId?: string;
  teamId?: string;
  triggerId?: string;
}

export interface EventOptions {
  retryAttempt?: number;
  retryReason?: string;
  eventId?: string;
  /**
   * The envelope's `is_ext_shared_channel` (default: whether the event names another workspace in
   * `user_team` / `source_team`) and `enterprise_id` (Enterprise Grid; default none).
   */
  isExtSharedChannel?: boolean;
  enterpriseId?: string;
}

export interface BlockActionInput {
  userId: string;
  actionId: string;
  value: string;
  blockId?: string;
  /** Defaults to the caller's DM with the bot. */
  channelId?: string;
  messageTs?: string;
  threadTs?: string;
  isEphemeral?: boolean;
  teamId?: string;
}

export interface UserInput {
  id: string;
  name?: string;
  realName?: string;
  isBot?: boolean;
  email?: string;
  /** IANA time zone users.info reports (default `America/Los_Angeles`, Slack's default). */
  tz?: string;
}

export interface ChannelInput {
  id: string;
  name?: string;
  /** When given, chat.postEphemeral to a non-member fails with `user_not_in_channel`. */
  members?: string[];
}

/** A running emulator: Slack Web API at `apiUrl`, Socket Mode at `/link/`, response_urls at `/response/`. */
export interface SlackEmulator {
  /** `http://127.0.0.1:<port>/api/`: what SLACK_API_URL is set to. */
  apiUrl: string;
  /** Sign in with Slack (OpenID Connect): its URLs, client credentials and test controls. */
  oidc: SlackOidc;
  /** Accepted by every Web API method except apps.connections.open. */
  botToken: string;
  /** Accepted only by apps.connections.open. */
  appToken: string;
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
  appId: string;
  addUser(u: UserInput): void;
  addChannel(c: ChannelInput): void;
  /** Every Web API call, oldest first. */
  readonly calls: WebApiCall[];
  /** Every output message, oldest first. */
  readonly messages: PostedMessage[];
  /** Every envelope sent (redeliveries included), oldest first. */
  readonly envelopes: Envelope[];
  /** Every Socket Mode connection ever opened, oldest first. */
  readonly connections: SocketConnectionRecord[];
  /** Sends a `slash_commands` envelope; resolves with the client's ack. */
  slashCommand(c: SlashCommandInput): Promise<EnvelopeAck>;
  /** Sends an `events_api` envelope wrapping an `event_callback` around `e`. */
  event(e: Record<string, unknown>, opts?: EventOptions): Promise<EnvelopeAck>;
  /** Sends an `interactive` envelope with a `block_actions` payload for one button click. */
  blockAction(a: BlockActionInput): Promise<EnvelopeAck>;
  /** Sends `app_home_opened` (tab `home`, `view` = the published Home view if any); resolves with the ack. */
  openHome(userId: string): Promise<EnvelopeAck>;
  /** The Home view last published for the user (views.publish), or undefined. */
  homeView(userId: string): SlackView | undefined;
  /** The user's open modal stack, bottom first (empty when none is open). */
  modals(userId: string): SlackView[];
  /** The user's top open modal, or undefined. */
  topModal(userId: string): SlackView | undefined;
  /** An open modal or published Home view by id. */
  view(viewId: string): SlackView | undefined;
  /** Resolves with the first open modal or published Home view (now or later) matching `pred`. */
  waitForView(pred: (v: SlackView) => boolean, timeoutMs?: number): Promise<SlackView>;
  /** A click inside a view: `block_actions` with `container: {type:'view'}`, the view's state, a trigger id. */
  clickInView(c: ViewClickInput): Promise<EnvelopeAck>;
  /** `view_submission` with the typed values; the ack's response_action is applied like Slack. */
  submitView(s: ViewSubmitInput): Promise<ViewSubmissionResult>;
  /** The close button: pops the view (whole stack with clear_on_close); `view_closed` when notify_on_close. */
  closeView(c: ViewCloseInput): Promise<EnvelopeAck | undefined>;
  /** Every `errors` response_action, oldest first. */
  readonly viewErrors: ViewErrorsRecord[];
  /** A fresh trigger id for the user, as an interaction carries. */
  issueTriggerId(userId: string): string;
  /** Every trigger id issued so far is expired from now on. */
  expireTriggerIds(): void;
  /** Resends the last envelope (of `type`) with a new envelope id and `retry_attempt` + 1. */
  redeliverLast(type?: Envelope['type']): Promise<EnvelopeAck>;
  /** Resolves with the first call (already recorded or future) of `method` matching `pred`. */
  waitForCall(method: string, pred?: (c: WebApiCall) => boolean, timeoutMs?: number): Promise<WebApiCall>;
  /** Resolves with the first message (already recorded or future) matching `pred`. */
  waitForMessage(pred: (m: PostedMessage) => boolean, timeoutMs?: number): Promise<PostedMessage>;
  /** Open sockets that received `hello`. */
  connectionCount(): number;
  /** Resolves once exactly `n` (default 1) sockets are open. */
  waitForConnections(n?: number, timeoutMs?: number): Promise<void>;
  /** Resolves with the next connection opened after this call. */
  waitForNewConnection(timeoutMs?: number): Promise<SocketConnectionRecord>;
  /** Sends `{type:'disconnect',reason:'refresh_requested'}` to every socket, as Slack does before recycling. */
  requestRefresh(): void;
  /** Terminates every socket without a close handshake. */
  dropConnections(): void;
  fail(method: string, f: FaultSpec): void;
  clearFaults(): void;
  /** Forgets calls, messages, envelopes and faults; keeps users, channels and connections. */
  reset(): void;
  /** Closes sockets and the server; pending waits reject. */
  close(): Promise<void>;
}
