import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { OAuthFlow } from '../domain/oauth-flow';
import type { PairingService } from '../domain/pairing';
import { createConnectPageLimits } from '../page-limits';
import { createLookupClient, createSlackNames } from '../slack-names';
import type { OAuthRouteDeps } from './oauth';

/** The OAuth pages' adapters and settings, built from the configuration. */
export function oauthRouteDeps(
  app: FastifyInstance,
  core: { pairing: PairingService; flow: OAuthFlow; log: Logger },
): OAuthRouteDeps {
  const { config } = app;
  return {
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
