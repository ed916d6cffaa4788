import { randomBytes } from 'node:crypto';

/** Secrets are generated per run: nothing secret is ever committed. */
export const testSecrets = () => ({
  GMAIL_OAUTH_STATE_SIGNING_KEY: randomBytes(32).toString('hex'),
  GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  GMAIL_OAUTH_TOKEN_KEY_VERSION: 'v1',
  AGENT_API_KEY: randomBytes(24).toString('hex'),
});
