import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { OAuthFlow } from '../domain/oauth-flow';
import type { PairingService } from '../domain/pairing';
import type { AuditLog, Notices, PairingStore } from '../domain/ports';
import { createSlackSignIn } from '../domain/slack-sign-in';
import { createConnectPageLimits } from '../page-limits';
import { createSignInStates, createSlackOidc } from '../slack-oidc';
import { createLookupClient, createSlackNames } from '../slack-names';
import type { OAuthRouteDeps } from './oauth';
import { SLACK_CALLBACK_PATH } from './slack-sign-in';

/** The OAuth pages' adapters and settings, built from the configuration. */
export function oauthRouteDeps(
  app: FastifyInstance,
  core: {
    pairing: PairingService;
    flow: OAuthFlow;
    log: Logger;
    pairings: PairingStore;
    audit: AuditLog;
    notices: Notices;
  },
): OAuthRouteDeps {
  const { config } = app;
  const { SLACK_CLIENT_ID: clientId, SLACK_CLIENT_SECRET: clientSecret } = config;
  // The configuration contract holds both or neither.
  const slackSignIn =
    clientId && clientSecret
      ? createSlackSignIn({
          ...core,
          slack: createSlackOidc({
            clientId,
            clientSecret,
            authorizeUrl: config.SLACK_OIDC_AUTHORIZE_URL,
            keysUrl: config.SLACK_OIDC_KEYS_URL,
            apiUrl: config.SLACK_API_URL,
            redirectUri: `${config.PUBLIC_BASE_URL}${SLACK_CALLBACK_PATH}`,
            timeoutMs: config.HTTP_TIMEOUT_MS,
          }),
          states: createSignInStates(app.redis, config.REDIS_KEY_PREFIX),
          clock: app.clock,
          signingKey: config.GMAIL_OAUTH_STATE_SIGNING_KEY,
        })
      : undefined;
  return {
    slackSignIn,
    signingKey: config.GMAIL_OAUTH_STATE_SIGNING_KEY,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    googleAuthUrl: config.GOOGLE_OAUTH_AUTH_URL,
    flyAppName: config.FLY_APP_NAME,
    pairing: core.pairing,
    flow: core.flow,
    names: createSlackNames({
      client: createLookupClient({
        token: config.SLACK_BOT_TOKEN,
        apiUrl: config.SLACK_API_URL,
        log: core.log,
      }),
      redis: app.redis,
      keyPrefix: config.REDIS_KEY_PREFIX,
      log: core.log,
    }),
    limits: createConnectPageLimits(app.redis, config.REDIS_KEY_PREFIX),
  };
}
