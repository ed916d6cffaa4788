import { Redis } from 'ioredis';
import { startSlackEmulator, type SlackEmulator } from '@mailbridge/slack-emulator';
import { startGoogleEmulator, type GoogleEmulator } from '@mailbridge/google-emulator';
import { createTestDatabase, REDIS_TEST_URL, uniqueRedisPrefix, type TestDatabase } from './database';
import { testSecrets } from './keys';
import { manifestBotScopes, manifestList } from './slack-manifest';
import { freePort, startServerProcess, type ServerProcess } from './server-process';

export const PUSH_SERVICE_ACCOUNT = 'gmail-push@mailbridge-test.iam.gserviceaccount.com';
export const PUBSUB_TOPIC = 'projects/mailbridge-test/topics/gmail-push';

export interface Stack {
  db: TestDatabase;
  slack: SlackEmulator;
  google: GoogleEmulator;
  server: ServerProcess;
  env: Record<string, string>;
  baseUrl: string;
  redisPrefix: string;
  /** Starts the server again on the same port and configuration (after stop or SIGKILL). */
  restart(extraEnv?: Record<string, string>): Promise<ServerProcess>;
  close(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  /** Google shows its account chooser and consent page instead of answering at once (browser tests). */
  interactiveGoogle?: boolean;
  /** Sign in with Slack on the start page, against the Slack emulator's OpenID Connect endpoints. */
  slackSignIn?: boolean;
}

/**
 * The whole system for an end-to-end test: a fresh database, a Redis key prefix of its own, the
 * Slack and Google emulators, and the real server process wired to them through configuration only.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase();
  // The workspace grants what the deploy manifest requests: a scope the code needs but the manifest
  // lacks fails here as it would in Slack (missing_scope).
  const slack = await startSlackEmulator({ scopes: manifestBotScopes() });
  const google = await startGoogleEmulator({ interactive: opts.interactiveGoogle });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  google.addRedirectUri(`${baseUrl}/oauth/google/callback`);
  // Slack accepts only the redirect URLs the app declares: the manifest's, on this server's origin.
  for (const declared of manifestList(['oauth_config', 'redirect_urls'])) {
    slack.oidc.addRedirectUri(`${baseUrl}${new URL(declared).pathname}`);
  }
  google.configurePush({
    endpoint: `${baseUrl}/pubsub/gmail`,
    audience: `${baseUrl}/pubsub/gmail`,
    serviceAccountEmail: PUSH_SERVICE_ACCOUNT,
  });
  const redisPrefix = uniqueRedisPrefix();
  const env: Record<string, string> = {
    PORT: String(port),
    METRICS_PORT: String(await freePort()),
    PUBLIC_BASE_URL: baseUrl,
    DATABASE_URL: db.url,
    REDIS_URL: REDIS_TEST_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    GMAIL_OAUTH_CLIENT_ID: google.clientId,
    GMAIL_OAUTH_CLIENT_SECRET: google.clientSecret,
    GMAIL_PUBSUB_TOPIC: PUBSUB_TOPIC,
    GMAIL_PUSH_SERVICE_ACCOUNT: PUSH_SERVICE_ACCOUNT,
    GOOGLE_OAUTH_AUTH_URL: google.urls.authUrl,
    GOOGLE_OAUTH_TOKEN_URL: google.urls.tokenUrl,
    GOOGLE_OAUTH_REVOKE_URL: google.urls.revokeUrl,
    GOOGLE_OAUTH_CERTS_URL: google.urls.certsUrl,
    GMAIL_API_URL: google.urls.gmailApiUrl,
    HTTP_TIMEOUT_MS: '3000',
    SHUTDOWN_TIMEOUT_MS: '5000',
    NOTIFY_RETRY_BASE_MS: '200',
    NOTIFY_RECHECK_DELAY_MS: '300',
    SEND_RETRY_BASE_MS: '200',
    REVOKE_RETRY_BASE_MS: '200',
    ...testSecrets(),
    ...(opts.slackSignIn
      ? {
          SLACK_CLIENT_ID: slack.oidc.clientId,
          SLACK_CLIENT_SECRET: slack.oidc.clientSecret,
          SLACK_OIDC_AUTHORIZE_URL: slack.oidc.authorizeUrl,
          SLACK_OIDC_KEYS_URL: slack.oidc.keysUrl,
        }
      : {}),
    ...opts.env,
  };
  let server: ServerProcess;
  try {
    server = await startServerProcess(env);
  } catch (err) {
    await Promise.allSettled([slack.close(), google.close()]);
    await db.drop();
    throw err;
  }
  const stack: Stack = {
    db,
    slack,
    google,
    server,
    env,
    baseUrl,
    redisPrefix,
    async restart(extraEnv = {}) {
      Object.assign(env, extraEnv);
      stack.server = await startServerProcess(env);
      return stack.server;
    },
    async close() {
      await stack.server.stop('SIGTERM');
      await Promise.allSettled([slack.close(), google.close()]);
      await deleteRedisPrefix(redisPrefix);
      await db.drop();
    },
  };
  return stack;
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_TEST_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** Polls until `fn` returns a truthy value; for state that is eventually consistent (jobs, DMs). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
