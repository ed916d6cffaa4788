import { createHash, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs, readBody, sendJson, tokenOf } from './http-body';
import { randomHex } from './ids';
import type { Workspace } from './workspace';

/** How an id token the emulator issues next departs from a valid one (tests of the app's checks). */
export interface IdTokenTamper {
  audience?: string;
  issuer?: string;
  nonce?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Signed by a key the keys endpoint never publishes (same kid). */
  foreignKey?: boolean;
  /** The header's alg instead of RS256 (the signature stays RS256). */
  alg?: string;
  /** Claims to set or override. */
  claims?: Record<string, unknown>;
}

/** What the token or keys endpoint answers next instead of the real answer (tests of the app's failures). */
export interface OidcOutage {
  /** HTTP status of the answer (default 500). */
  status?: number;
  /** Raw body (default Slack's `{"ok":false,"error":"internal_error"}`); e.g. an HTML page. */
  body?: string;
  /** Close the connection without answering. */
  drop?: boolean;
  /** How many requests it hits (default 1). */
  times?: number;
}

/** Sign in with Slack (OpenID Connect) as the emulator speaks it; see Slack's "Sign in with Slack" docs. */
export interface SlackOidc {
  /** `http://127.0.0.1:<port>/openid/connect/authorize`: what SLACK_OIDC_AUTHORIZE_URL is set to. */
  authorizeUrl: string;
  /** `http://127.0.0.1:<port>/openid/connect/keys`: what SLACK_OIDC_KEYS_URL is set to. */
  keysUrl: string;
  clientId: string;
  clientSecret: string;
  /** Redirect URLs the app declares; Slack refuses any other (so every one while none is added). */
  addRedirectUri(uri: string): void;
  /**
   * The browser signs in to Slack as this user of `teamId` (default the workspace's), keeping its sessions
   * in other workspaces, as Slack does. Authorize with `team` uses that workspace's session (or asks to
   * sign in there and redirects nowhere); without `team` it uses the workspace signed in to last.
   */
  signInAs(userId: string, teamId?: string): void;
  /** No one signed in anywhere: the authorize page says so and redirects nowhere. */
  signOut(): void;
  /** The person clicks Cancel on the next authorize page: back with `error=access_denied` and the state. */
  denyNextSignIn(): void;
  /** The token endpoint (`'token'`) or the keys (`'keys'`) answer as described instead. */
  breakNext(endpoint: 'token' | 'keys', outage: OidcOutage): void;
  /** The next id token issued departs from a valid one as described (once). */
  tamperNextIdToken(t: IdTokenTamper): void;
  /** A new signing key with a new kid; the keys endpoint publishes only the new one from now on. */
  rotateKey(): string;
  /** How often the keys endpoint was read. */
  keysFetches(): number;
}

const CODE_TTL_MS = 10 * 60_000;
const ISSUER = 'https://slack.com';

interface Grant {
  userId: string;
  teamId: string;
  clientId: string;
  redirectUri: string;
  nonce?: string;
  expiresAt: number;
}

const newKey = () => ({ kid: randomHex(8), ...generateKeyPairSync('rsa', { modulusLength: 2048 }) });

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function signJwt(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
}

export function createSlackOidc(origin: string, workspace: Workspace, log: (msg: string) => void) {
  const clientId = `${randomHex(6)}.${randomHex(6)}`;
  const clientSecret = randomHex(16);
  const redirectUris = new Set<string>();
  const codes = new Map<string, Grant>();
  const accessTokens = new Map<string, Grant>();
  let key = newKey();
  /** Signed-in user per workspace, and the workspace signed in to last. */
  const sessions = new Map<string, string>();
  let lastTeam: string | undefined;
  let denyNext = false;
  const outages: Record<'token' | 'keys', OidcOutage[]> = { token: [], keys: [] };
  let tamper: IdTokenTamper | undefined;
  let keyReads = 0;

  /** Answers a broken endpoint's request as armed; false when nothing is armed for it. */
  const outage = (endpoint: 'token' | 'keys', res: ServerResponse): boolean => {
    const o = outages[endpoint][0];
    if (!o) return false;
    if ((o.times = (o.times ?? 1) - 1) <= 0) outages[endpoint].shift();
    log(`oidc: ${endpoint} broken (${o.drop ? 'dropped' : (o.status ?? 500)})`);
    if (o.drop) {
      res.socket?.destroy();
      return true;
    }
    res.writeHead(o.status ?? 500, { 'content-type': o.body ? 'text/html' : 'application/json' });
    res.end(o.body ?? JSON.stringify({ ok: false, error: 'internal_error' }));
    return true;
  };

  const idToken = (g: Grant, accessToken: string): string => {
    const t = tamper ?? {};
    tamper = undefined;
    const now = Math.floor(Date.now() / 1000);
    const user = workspace.users.get(g.userId);
    const claims: Record<string, unknown> = {
      iss: t.issuer ?? ISSUER,
      sub: g.userId,
      aud: t.audience ?? g.clientId,
      exp: now + (t.expiresIn ?? 3600),
      iat: now,
      auth_time: now,
      nonce: t.nonce ?? g.nonce,
      at_hash: createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url'),
      'https://slack.com/team_id': g.teamId,
      'https://slack.com/user_id': g.userId,
      name: user?.realName ?? g.userId,
      'https://slack.com/team_name': workspace.teamName,
      ...t.claims,
    };
    const signer = t.foreignKey ? newKey().privateKey : key.privateKey;
    return signJwt({ alg: t.alg ?? 'RS256', typ: 'JWT', kid: key.kid }, claims, signer);
  };

  const authorize = (res: ServerResponse, q: URLSearchParams) => {
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== clientId) return page(res, 400, 'Invalid client_id parameter');
    if (!redirectUris.has(redirectUri)) {
      return page(res, 400, 'redirect_uri did not match any configured URIs');
    }
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const scopes = (q.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
    if (q.get('response_type') !== 'code' || !scopes.includes('openid')) {
      back.searchParams.set(
        'error',
        q.get('response_type') !== 'code' ? 'unsupported_response_type' : 'invalid_scope',
      );
      return redirect(res, back.toString());
    }
    if (denyNext) {
      denyNext = false;
      back.searchParams.set('error', 'access_denied');
      return redirect(res, back.toString());
    }
    // `team` asks for that workspace: its session, or its sign-in page (never another workspace's person).
    const teamId = q.get('team') || lastTeam;
    const userId = teamId ? sessions.get(teamId) : undefined;
    if (!teamId || !userId) {
      const where = q.get('team') ? `the workspace ${q.get('team')}` : 'your Slack workspace';
      return page(res, 200, `Sign in to ${where} (no one is signed in there in the emulator).`);
    }
    const session = { userId, teamId };
    const code = randomHex(16);
    codes.set(code, {
      ...session,
      clientId,
      redirectUri,
      nonce: q.get('nonce') ?? undefined,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    back.searchParams.set('code', code);
    log(`oidc: ${session.userId} authorized`);
    return redirect(res, back.toString());
  };

  const token = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    if (outage('token', res)) return;
    const args = parseArgs(req, await readBody(req), query);
    // Slack accepts the client credentials as form fields or as HTTP Basic.
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    const id = typeof args.client_id === 'string' ? args.client_id : basicId;
    const secret = typeof args.client_secret === 'string' ? args.client_secret : basicSecret;
    if (id !== clientId) return sendJson(res, 200, { ok: false, error: 'invalid_client_id' });
    if (secret !== clientSecret) return sendJson(res, 200, { ok: false, error: 'bad_client_secret' });
    const code = typeof args.code === 'string' ? args.code : '';
    const grant = codes.get(code);
    codes.delete(code);
    if (!grant || grant.expiresAt <= Date.now())
      return sendJson(res, 200, { ok: false, error: 'invalid_code' });
    if (args.redirect_uri !== grant.redirectUri) {
      return sendJson(res, 200, { ok: false, error: 'bad_redirect_uri' });
    }
    const accessToken = `xoxp-${randomHex(12)}`;
    accessTokens.set(accessToken, grant);
    sendJson(res, 200, {
      ok: true,
      access_token: accessToken,
      token_type: 'Bearer',
      id_token: idToken(grant, accessToken),
    });
  };

  const userInfo = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    const args = parseArgs(req, await readBody(req), query);
    const grant = accessTokens.get(tokenOf(req, args) ?? '');
    if (!grant) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
    const user = workspace.users.get(grant.userId);
    sendJson(res, 200, {
      ok: true,
      sub: grant.userId,
      'https://slack.com/user_id': grant.userId,
      'https://slack.com/team_id': grant.teamId,
      name: user?.realName ?? grant.userId,
      'https://slack.com/team_name': workspace.teamName,
    });
  };

  const api: SlackOidc = {
    authorizeUrl: `${origin}/openid/connect/authorize`,
    keysUrl: `${origin}/openid/connect/keys`,
    clientId,
    clientSecret,
    addRedirectUri: (uri) => void redirectUris.add(uri),
    signInAs(userId, teamId = workspace.teamId) {
      sessions.set(teamId, userId);
      lastTeam = teamId;
    },
    signOut() {
      sessions.clear();
      lastTeam = undefined;
    },
    denyNextSignIn() {
      denyNext = true;
    },
    breakNext(endpoint, o) {
      outages[endpoint].push({ ...o });
    },
    tamperNextIdToken(t) {
      tamper = t;
    },
    rotateKey() {
      key = newKey();
      return key.kid;
    },
    keysFetches: () => keyReads,
  };

  /** Answers the OIDC paths; false for any other, which the caller routes on. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/openid/connect/authorize' && req.method === 'GET') {
      authorize(res, url.searchParams);
    } else if (url.pathname === '/openid/connect/keys' && req.method === 'GET') {
      keyReads += 1;
      if (outage('keys', res)) return true;
      const jwk = key.publicKey.export({ format: 'jwk' });
      sendJson(res, 200, {
        keys: [{ e: jwk.e, n: jwk.n, kty: 'RSA', kid: key.kid, alg: 'RS256', use: 'sig' }],
      });
    } else if (url.pathname === '/api/openid.connect.token') {
      await token(req, res, url.searchParams);
    } else if (url.pathname === '/api/openid.connect.userInfo') {
      await userInfo(req, res, url.searchParams);
    } else {
      return false;
    }
    return true;
  }

  return { api, handle };
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

function page(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  const safe = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  res.end(`<!doctype html><title>Slack</title><h1>Sign in with Slack</h1><p>${safe}</p>`);
}
