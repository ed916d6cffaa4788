import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockActionsPayload, eventCallbackPayload, slashCommandPayload } from './envelopes';
import { FaultBook } from './faults';
import { createSlackOidc } from './oidc';
import { createTsClock, randomHex } from './ids';
import { DEFAULT_WAIT_MS, Recorder } from './recorder';
import { viewHelpers } from './emulator-views';
import { ResponseUrls } from './response-urls';
import { attachRoutes } from './routes';
import { createSleeper } from './sleeper';
import { SocketMode } from './socket-mode';
import type { Envelope, EnvelopeAck, SlackEmulator, SlackEmulatorOptions } from './types';
import type { WebApiDeps } from './web-api';
import { ViewStore } from './views';
import { Workspace } from './workspace';

/**
 * Starts a Slack protocol emulator (Web API, Socket Mode, response_urls) on one loopback port.
 * Point the app's SLACK_API_URL at `apiUrl` and give it `botToken`/`appToken`.
 */
export async function startSlackEmulator(opts: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.logger ?? (() => undefined);
  const workspace = new Workspace(
    opts.teamId ?? 'T0000000001',
    opts.teamName ?? 'Test Workspace',
    'U0000000001',
    'B0000000001',
    'A0000000001',
  );
  workspace.addUser({ id: workspace.botUserId, name: 'test-app', realName: 'Test App', isBot: true });
  const botToken = opts.botToken ?? `xoxb-${randomHex(12)}`;
  const appToken = opts.appToken ?? `xapp-1-${workspace.appId}-${randomHex(12)}`;
  const recorder = new Recorder();
  const faults = new FaultBook();
  const sleeper = createSleeper();
  const nextTs = createTsClock();
  const views = new ViewStore(workspace, recorder, opts.triggerTtlMs ?? 3000);

  const server = createServer();
  const port = await listen(server, opts.port ?? 0, host);
  const origin = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const socketMode = new SocketMode(`ws://${origin}/`, {
    recorder,
    log,
    appId: workspace.appId,
    ackTimeoutMs: opts.ackTimeoutMs ?? 5000,
    pingIntervalMs: opts.pingIntervalMs ?? 0,
  });
  const responseUrls = new ResponseUrls(`http://${origin}/`, { recorder, faults, sleep: sleeper.sleep, log });
  const webApi: WebApiDeps = {
    workspace,
    recorder,
    views,
    faults,
    nextTs,
    sleep: sleeper.sleep,
    botToken,
    appToken,
    scopes: opts.scopes ? new Set(opts.scopes) : undefined,
    log,
    openSocketUrl: () => socketMode.issueUrl(),
  };

  const oidc = createSlackOidc(`http://${origin}`, workspace, log);
  attachRoutes(server, { webApi, responseUrls, socketMode, log, oidc });

  /** Sends an envelope; an ack carrying a message body is what Slack shows the caller, so it is recorded. */
  /** Where a command or a click happened (the user's DM unless named) and its fresh response_url. */
  function replyRoute(p: { channelId?: string; userId: string }) {
    const channelId = p.channelId ?? workspace.dmFor(p.userId);
    return { channelId, responseUrl: responseUrls.create(channelId, p.userId) };
  }

  async function dispatch(envelope: Envelope): Promise<EnvelopeAck> {
    const ack = await socketMode.send(envelope);
    const body = ack.payload ?? {};
    if (envelope.type !== 'events_api' && (typeof body.text === 'string' || Array.isArray(body.blocks))) {
      const { channel, user } = originOf(envelope.payload);
      recorder.recordMessage({
        kind: 'ack',
        channel,
        user,
        text: typeof body.text === 'string' ? body.text : undefined,
        blocks: Array.isArray(body.blocks) ? body.blocks : undefined,
        responseType: typeof body.response_type === 'string' ? body.response_type : undefined,
      });
    }
    return ack;
  }

  let closing: Promise<void> | undefined;

  return {
    apiUrl: `http://${origin}/api/`,
    botToken,
    appToken,
    teamId: workspace.teamId,
    teamName: workspace.teamName,
    botUserId: workspace.botUserId,
    botId: workspace.botId,
    appId: workspace.appId,
    calls: recorder.calls,
    messages: recorder.messages,
    envelopes: recorder.envelopes,
    connections: recorder.connections,
    oidc: oidc.api,
    addUser: (u) => workspace.addUser(u),
    addChannel: (c) => workspace.addChannel(c),

    slashCommand(c) {
      const { channelId, responseUrl } = replyRoute(c);
      const triggerId = views.issueTrigger(c.userId, c.triggerId);
      const payload = slashCommandPayload(workspace, { ...c, triggerId }, channelId, responseUrl);
      return dispatch({
        envelope_id: randomUUID(),
        type: 'slash_commands',
        payload,
        accepts_response_payload: true,
      });
    },
    event(e, o = {}) {
      return dispatch({
        envelope_id: randomUUID(),
        type: 'events_api',
        payload: eventCallbackPayload(workspace, e, o, nextTs),
        accepts_response_payload: false,
        retry_attempt: o.retryAttempt ?? 0,
        retry_reason: o.retryReason ?? '',
      });
    },
    blockAction(a) {
      const { channelId, responseUrl } = replyRoute(a);
      const payload = blockActionsPayload(workspace, a, channelId, responseUrl, views.issueTrigger(a.userId));
      return dispatch({
        envelope_id: randomUUID(),
        type: 'interactive',
        payload,
        accepts_response_payload: false,
      });
    },
    redeliverLast(type) {
      const last = recorder.envelopes.findLast((e) => type === undefined || e.type === type);
      if (!last) return Promise.reject(new Error(`Slack emulator: no ${type ?? ''} envelope to redeliver`));
      return dispatch({
        ...last,
        envelope_id: randomUUID(),
        retry_attempt: (last.retry_attempt ?? 0) + 1,
        retry_reason: last.retry_reason || 'timeout',
      });
    },

    waitForCall: (method, pred, timeoutMs) => recorder.waitForCall(method, pred, timeoutMs),
    waitForMessage: (pred, timeoutMs) => recorder.waitForMessage(pred, timeoutMs),
    connectionCount: () => socketMode.connectionCount(),
    async waitForConnections(n = 1, timeoutMs = DEFAULT_WAIT_MS) {
      await recorder.waiters.until(
        () => (socketMode.connectionCount() === n ? true : undefined),
        timeoutMs,
        () => `${n} open Socket Mode connection(s); ${socketMode.connectionCount()} open`,
      );
    },
    waitForNewConnection(timeoutMs = DEFAULT_WAIT_MS) {
      const seen = recorder.connections.length;
      return recorder.waiters.until(
        () => recorder.connections[seen],
        timeoutMs,
        () => 'a new Socket Mode connection',
      );
    },
    ...viewHelpers({ workspace, views, recorder, nextTs, dispatch, defaultWaitMs: DEFAULT_WAIT_MS }),
    requestRefresh: () => socketMode.requestRefresh(),
    dropConnections: () => socketMode.dropConnections(),

    fail: (method, f) => faults.add(method, f),
    clearFaults: () => faults.clear(),
    reset() {
      recorder.reset();
      faults.clear();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        socketMode.close();
        recorder.waiters.rejectAll('closed');
        sleeper.cancelAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Who an interaction came from, for recording what its ack showed them. */
function originOf(payload: Record<string, unknown>): { channel?: string; user?: string } {
  const nested = (key: string): string | undefined => {
    const value = payload[key];
    return typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string'
      ? value.id
      : undefined;
  };
  const flat = (key: string): string | undefined =>
    typeof payload[key] === 'string' ? payload[key] : undefined;
  return { channel: flat('channel_id') ?? nested('channel'), user: flat('user_id') ?? nested('user') };
}
