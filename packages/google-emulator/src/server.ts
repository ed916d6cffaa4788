import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsentPolicy } from './consent';
import { Delays, failsRequest, FaultRegistry } from './faults';
import { gmailRoutes } from './gmail';
import { faultReply, json, type Incoming, type Reply, type Route } from './http';
import { KeyRing } from './jwt';
import { inboundMessage, Mailbox } from './mailbox';
import { createOAuthHandlers, CONSENT_PATH } from './oauth';
import { normalizeScope, OAuthStore } from './oauth-store';
import { PushSender } from './pubsub';
import type { GmailMessage, GoogleEmulator, GoogleEmulatorOptions } from './types';

const AUTH_PATH = '/o/oauth2/v2/auth';
const MAX_BODY_BYTES = 36 * 1024 * 1024; // Gmail's 35 MB message limit, plus encoding slack

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts Google OAuth 2.0 + a Gmail API subset + a Pub/Sub push sender on one 127.0.0.1 port. */
export async function startGoogleEmulator(opts: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const log = opts.logger ?? (() => undefined);
  const store = new OAuthStore();
  const keys = new KeyRing();
  const consent = new ConsentPolicy();
  const faults = new FaultRegistry();
  const delays = new Delays();
  const pushSender = new PushSender(keys, faults, delays, log);
  const mailboxes = new Map<string, Mailbox>();
  const redirectUris = new Set(opts.redirectUris ?? []);
  let rotateRefreshTokens = false;
  let sentListingDelayMs = opts.sentListingDelayMs ?? 0;

  const mailbox = (email: string) => mailboxes.get(email.toLowerCase());
  const mustMailbox = (email: string) => {
    const found = mailbox(email);
    if (!found) throw new Error(`no Google account ${email} in the emulator: call addAccount() first`);
    return found;
  };
  const onAdded = (box: Mailbox, message: GmailMessage) => {
    if (box.watchCovers(message) && pushSender.autoPushEnabled)
      pushSender.pushLater(box.email, String(box.historyId));
  };

  const emulator: GoogleEmulator = {
    baseUrl: '',
    urls: { authUrl: '', tokenUrl: '', revokeUrl: '', certsUrl: '', gmailApiUrl: '' },
    clientId: opts.clientId ?? '000000000001-emulator.apps.googleusercontent.com',
    clientSecret: opts.clientSecret ?? 'GOCSPX-emulator-secret',
    authorizeRequests: [],
    tokenRequests: [],
    revocations: [],
    watchCalls: [],
    watchCallTimes: [],
    stopCalls: [],
    requests: [],
    pushes: pushSender.pushes,
    addRedirectUri: (uri) => void redirectUris.add(uri),
    addAccount(a) {
      const account = store.addAccount(a);
      if (!mailbox(a.email)) mailboxes.set(a.email.toLowerCase(), new Mailbox(account.email, onAdded));
      return account;
    },
    setConsent: (c) => consent.set(c),
    grantOffline(p) {
      const account = emulator.addAccount({ email: p.email });
      const scopes = [...new Set(p.scopes.map(normalizeScope))];
      for (const s of scopes) store.grant(account.email).scopes.add(s);
      const { refreshToken } = store.issueTokens(account.email, scopes, true);
      return { account, refreshToken: refreshToken! };
    },
    setRotateRefreshTokens: (on) => void (rotateRefreshTokens = on),
    revokeAllGrants: (email) => store.revokeAll(email),
    expireAccessTokens: (email) => store.expireAccessTokens(email),
    rotateSigningKey: () => keys.rotate(),
    deliver: (email, m) => mustMailbox(email).add(inboundMessage(email, m)),
    sent: (email) => [...mustMailbox(email).sent],
    setSentListingDelay: (ms) => void (sentListingDelayMs = ms),
    messages: (email) => [...mustMailbox(email).messages],
    watches: (email) => mustMailbox(email).watch,
    expireWatch(email) {
      const w = mustMailbox(email).watch;
      if (w) w.expiration = Date.now() - 1;
    },
    historyId: (email) => String(mustMailbox(email).historyId),
    expireHistoryBefore(email, historyId) {
      mustMailbox(email).expiredBefore = BigInt(historyId);
    },
    configurePush: (p) => pushSender.configure(p),
    push: (email, o = {}) =>
      pushSender.push(email, { ...o, historyId: o.historyId ?? String(mustMailbox(email).historyId) }),
    signPushToken: (claims) => pushSender.signPushToken(claims),
    settled: () => pushSender.settled(),
    fail: (endpoint, f) => faults.add(endpoint, f),
    clearFaults: () => faults.clear(),
    close: async () => undefined,
  };

  const oauth = createOAuthHandlers({
    store,
    keys,
    consent,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    redirectUris,
    interactive: opts.interactive ?? false,
    certsMaxAgeSeconds: opts.certsMaxAgeSeconds ?? 3600,
    rotateRefreshTokens: () => rotateRefreshTokens,
    records: emulator,
  });
  const routes: Route[] = [
    {
      method: 'GET',
      path: /^\/$/,
      handle: () => json(200, { urls: emulator.urls, clientId: emulator.clientId }),
    },
    {
      method: 'GET',
      path: new RegExp(`^${AUTH_PATH}$`),
      endpoint: 'authorize',
      handle: (r) => oauth.authorize(r),
    },
    {
      method: 'POST',
      path: new RegExp(`^${CONSENT_PATH}$`),
      endpoint: 'authorize',
      handle: (r) => oauth.consent(r),
    },
    { method: 'POST', path: /^\/token$/, endpoint: 'token', handle: (r) => oauth.token(r) },
    { method: 'POST', path: /^\/revoke$/, endpoint: 'revoke', handle: (r) => oauth.revoke(r) },
    { method: 'GET', path: /^\/oauth2\/v1\/certs$/, endpoint: 'certs', handle: () => oauth.certs() },
    ...gmailRoutes({ store, mailbox, records: emulator, sentListingDelayMs: () => sentListingDelayMs }),
  ];

  /** Runs the route under its injected fault: delay, then either the failure or the real answer. */
  async function serve(route: Route, req: Incoming, params: string[]): Promise<Reply> {
    const fault =
      route.endpoint && route.endpoint !== 'gmail.other' ? faults.take(route.endpoint) : undefined;
    if (!fault) return route.handle(req, params);
    const endpoint = route.endpoint as Exclude<typeof route.endpoint, 'gmail.other' | undefined>;
    if (fault.afterEffect) {
      const real = await route.handle(req, params);
      if (fault.delayMs) await delays.sleep(fault.delayMs);
      return failsRequest(fault) ? faultReply(endpoint, fault) : real;
    }
    if (fault.delayMs) await delays.sleep(fault.delayMs);
    return failsRequest(fault) ? faultReply(endpoint, fault) : route.handle(req, params);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const incoming: Incoming = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      headers: req.headers,
      body: await readBody(req),
      receivedAt,
    };
    const path = incoming.url.pathname;
    let params: string[] = [];
    const route = routes.find((r) => {
      const m = (r.method === '*' || r.method === incoming.method) && r.path.exec(path);
      if (m) params = m.slice(1);
      return Boolean(m);
    });
    const reply = route ? await serve(route, incoming, params) : json(404, { error: 'not_found', path });
    if (route?.endpoint?.startsWith('gmail.')) {
      const bearer = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
      const token = bearer ? store.accessToken(bearer) : undefined;
      emulator.requests.push({
        method: incoming.method,
        path,
        endpoint: route.endpoint,
        status: reply.status,
        email: typeof token === 'object' ? token.email : undefined,
      });
    }
    log(`${incoming.method} ${path} → ${reply.drop ? 'dropped' : reply.status}`); // path only: queries may carry tokens
    if (reply.drop) {
      req.socket.destroy();
      return;
    }
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(reply.body);
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      log(`emulator error: ${e instanceof Error ? e.stack : String(e)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('emulator error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  emulator.baseUrl = `http://127.0.0.1:${port}`;
  emulator.urls = {
    authUrl: `${emulator.baseUrl}${AUTH_PATH}`,
    tokenUrl: `${emulator.baseUrl}/token`,
    revokeUrl: `${emulator.baseUrl}/revoke`,
    certsUrl: `${emulator.baseUrl}/oauth2/v1/certs`,
    // googleapis replaces the whole path, so GMAIL_API_URL must be an origin with a trailing slash.
    gmailApiUrl: `${emulator.baseUrl}/`,
  };
  emulator.close = async () => {
    pushSender.close();
    delays.cancelAll();
    await pushSender.settled();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  log(`google emulator listening on ${emulator.baseUrl}`);
  return emulator;
}
