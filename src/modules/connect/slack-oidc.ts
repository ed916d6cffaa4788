import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { Redis } from 'ioredis';
import { connectErrors } from './domain/errors';
import type { SignInStates, SlackIdentity } from './domain/ports';

export const SLACK_ISSUER = 'https://slack.com';
const TEAM_CLAIM = 'https://slack.com/team_id';
const USER_CLAIM = 'https://slack.com/user_id';
/** Clocks of Slack and this machine may differ a little; no more than this. */
const CLOCK_SKEW_S = 60;

/** The only token-endpoint refusal the person causes: `invalid_code` (forged, already used or too old). */
const CODE_ERRORS = new Set(['invalid_code']);
/** Slack says it is failing or busy; anything else it refuses is our client's setup. */
const SLACK_BUSY = new Set([
  'ratelimited',
  'request_timeout',
  'service_unavailable',
  'fatal_error',
  'internal_error',
]);
/** What jose says of a token itself; any other failure (keys out of reach or not a key set) is not the token's. */
const TOKEN_FLAWS = [
  joseErrors.JWSSignatureVerificationFailed,
  joseErrors.JWTClaimValidationFailed,
  joseErrors.JWTExpired,
  joseErrors.JOSEAlgNotAllowed,
  joseErrors.JWSInvalid,
  joseErrors.JWTInvalid,
  joseErrors.JWKSNoMatchingKey,
];

const unreachable = (why: string, cause?: unknown) =>
  connectErrors.fail('slack_unreachable', why, cause === undefined ? undefined : { cause });
const misconfigured = (why: string, cause?: unknown) =>
  connectErrors.fail('slack_misconfigured', why, cause === undefined ? undefined : { cause });

/** The token endpoint's answer: Slack's JSON, or why it is not the person's fault that there is none. */
async function tokenAnswer(res: Response): Promise<{ ok?: boolean; error?: string; id_token?: unknown }> {
  if (res.status >= 500 || res.status === 429)
    throw unreachable(`openid.connect.token answered ${res.status}`);
  const body: unknown = await res.json().catch((cause: unknown) => {
    // The body cut off by the timeout is Slack out of reach; a body that is not JSON is not Slack.
    if ((cause as Error)?.name === 'TimeoutError' || (cause as Error)?.name === 'AbortError') {
      throw unreachable('openid.connect.token timed out', cause);
    }
    return undefined;
  });
  if (!res.ok || typeof body !== 'object' || body === null) {
    throw misconfigured(`openid.connect.token answered ${res.status} without Slack's JSON`);
  }
  return body;
}

/** Sorts a failed verification: the token's flaw (the person's page) or the keys endpoint's (ours). */
function verificationFailure(cause: unknown): Error {
  const message = `id token not verified: ${(cause as Error)?.message ?? String(cause)}`;
  if (TOKEN_FLAWS.some((flaw) => cause instanceof flaw)) {
    return connectErrors.fail('slack_id_token_invalid', message, { cause });
  }
  // Timeouts and network failures are Slack out of reach; a non-200 or non-JSON key set is a wrong URL.
  if (cause instanceof joseErrors.JWKSTimeout || !(cause instanceof joseErrors.JOSEError)) {
    return cause instanceof SyntaxError ? misconfigured(message, cause) : unreachable(message, cause);
  }
  return misconfigured(message, cause);
}

export interface SlackOidcSettings {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  keysUrl: string;
  /** SLACK_API_URL, ending in a slash. */
  apiUrl: string;
  redirectUri: string;
  timeoutMs: number;
}

/**
 * Sign in with Slack over its OpenID Connect endpoints, reached only through the configured URLs.
 * Slack's signing keys are fetched once and cached; a token naming a key not in the cache fetches them
 * again (at most once per 30 seconds), which is how a key rotation is picked up (jose's remote key set).
 */
export function createSlackOidc(s: SlackOidcSettings): SlackIdentity {
  const keys = createRemoteJWKSet(new URL(s.keysUrl), {
    timeoutDuration: s.timeoutMs,
    // Tokens come only from our own exchange with Slack, never from the browser, so an unknown kid cannot be
    // sent by an attacker to make us fetch: each unknown kid fetches the keys again (once per token).
    cooldownDuration: 0,
    cacheMaxAge: 24 * 3_600_000,
  });

  return {
    authorizationUrl({ state, nonce, team }) {
      const url = new URL(s.authorizeUrl);
      // Only `openid`: the team and user ids are all the check needs; no email or profile is asked for.
      // `team` makes Slack sign in to the pairing's workspace, so a person signed in to several workspaces
      // does not come back as their account in another one (which would be a stranger and burn the link).
      url.search = new URLSearchParams({
        response_type: 'code',
        scope: 'openid',
        client_id: s.clientId,
        redirect_uri: s.redirectUri,
        state,
        nonce,
        team,
      }).toString();
      return url.toString();
    },

    async exchangeCode(code) {
      const res = await fetch(`${s.apiUrl}openid.connect.token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: s.clientId,
          client_secret: s.clientSecret,
          code,
          redirect_uri: s.redirectUri,
          grant_type: 'authorization_code',
        }),
        signal: AbortSignal.timeout(s.timeoutMs),
      }).catch((cause: unknown) => {
        throw unreachable('openid.connect.token unreachable', cause);
      });
      const answer = await tokenAnswer(res);
      if (answer.ok === true && typeof answer.id_token === 'string') return answer.id_token;
      const why = `openid.connect.token: ${answer.error ?? 'no id_token'}`;
      if (answer.error && CODE_ERRORS.has(answer.error)) throw connectErrors.fail('slack_code_invalid', why);
      // invalid_client_id, bad_client_secret, bad_redirect_uri and anything unexplained: the operator's setup.
      throw answer.error && SLACK_BUSY.has(answer.error) ? unreachable(why) : misconfigured(why);
    },

    async verifyIdToken(idToken) {
      const { payload } = await jwtVerify(idToken, keys, {
        algorithms: ['RS256'],
        issuer: SLACK_ISSUER,
        audience: s.clientId,
        clockTolerance: CLOCK_SKEW_S,
        requiredClaims: ['exp', 'iat'],
      }).catch((cause: unknown) => {
        throw verificationFailure(cause);
      });
      const teamId = payload[TEAM_CLAIM];
      const userId = payload[USER_CLAIM];
      if (typeof teamId !== 'string' || typeof userId !== 'string' || !teamId || !userId) {
        throw connectErrors.fail('slack_id_token_invalid', 'id token without team and user ids');
      }
      const nonce = typeof payload.nonce === 'string' ? payload.nonce : undefined;
      return { teamId, userId, nonce };
    },
  };
}

/** Single use of sign-in states in Redis: SET NX for the state's remaining lifetime. */
export function createSignInStates(redis: Redis, keyPrefix: string): SignInStates {
  return {
    async claim(id, ttlMs) {
      const set = await redis.set(`${keyPrefix}:slack-sign-in:${id}`, '1', 'PX', Math.max(1, ttlMs), 'NX');
      return set === 'OK';
    },
  };
}
