import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { Redis } from 'ioredis';
import { connectErrors } from './domain/errors';
import type { SignInStates, SlackIdentity } from './domain/ports';

export const SLACK_ISSUER = 'https://slack.com';
const TEAM_CLAIM = 'https://slack.com/team_id';
const USER_CLAIM = 'https://slack.com/user_id';
/** Clocks of Slack and this machine may differ a little; no more than this. */
const CLOCK_SKEW_S = 60;

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
    authorizationUrl({ state, nonce }) {
      const url = new URL(s.authorizeUrl);
      // Only `openid`: the team and user ids are all the check needs; no email or profile is asked for.
      url.search = new URLSearchParams({
        response_type: 'code',
        scope: 'openid',
        client_id: s.clientId,
        redirect_uri: s.redirectUri,
        state,
        nonce,
      }).toString();
      return url.toString();
    },

    async exchangeCode(code) {
      const answer = await fetch(`${s.apiUrl}openid.connect.token`, {
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
      })
        .then(async (res) => (await res.json()) as { ok?: boolean; error?: string; id_token?: unknown })
        .catch((cause: unknown) => {
          throw connectErrors.fail('slack_sign_in_failed', 'openid.connect.token unreachable', { cause });
        });
      if (answer.ok !== true || typeof answer.id_token !== 'string') {
        throw connectErrors.fail(
          'slack_sign_in_failed',
          `openid.connect.token: ${answer.error ?? 'no id_token'}`,
        );
      }
      return answer.id_token;
    },

    async verifyIdToken(idToken) {
      const { payload } = await jwtVerify(idToken, keys, {
        algorithms: ['RS256'],
        issuer: SLACK_ISSUER,
        audience: s.clientId,
        clockTolerance: CLOCK_SKEW_S,
        requiredClaims: ['exp', 'iat'],
      }).catch((cause: unknown) => {
        // Slack's keys out of reach is not the token's fault; everything else is a token that fails.
        const unreachable =
          cause instanceof joseErrors.JWKSTimeout || !(cause instanceof joseErrors.JOSEError);
        throw connectErrors.fail(
          unreachable ? 'slack_sign_in_failed' : 'slack_id_token_invalid',
          `id token not accepted: ${(cause as Error).message}`,
          { cause },
        );
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
