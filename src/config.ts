import { z } from 'zod';
import {
  keyVersion,
  oneOf,
  port,
  positiveInt,
  required,
  url,
  wholeNumber,
  withoutSlash,
  withSlash,
} from './config/fields';
import { decodeAesKey, parseApiKeys, parsePreviousKeys } from './config/keys';
import { crossFieldRules } from './config/rules';
import { policyFields } from './config/policy';

/** The whole configuration contract (SPEC section 2). This module is the only reader of process.env. */

const MIN_SIGNING_KEY_BYTES = 32;

const envSchema = z.object({
  PORT: port(3000),
  /** Prometheus scrapes this port; it is never published through the HTTP service. */
  METRICS_PORT: port(9091),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PUBLIC_BASE_URL: url('https://mailbridge.fly.dev').transform(withoutSlash),
  DATABASE_URL: url('postgresql://postgres@127.0.0.1:5432/mailbridge'),
  REDIS_URL: url('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().trim().min(1).default('mailbridge'),
  SLACK_BOT_TOKEN: required('xoxb-1234-5678-abcd').refine(
    (v) => v.startsWith('xoxb-'),
    'must start with xoxb-, e.g. xoxb-1234-5678-abcd (Bot User OAuth Token)',
  ),
  SLACK_APP_TOKEN: required('xapp-1-A123-456-abcd').refine(
    (v) => v.startsWith('xapp-'),
    'must start with xapp-, e.g. xapp-1-A123-456-abcd (App-Level Token)',
  ),
  SLACK_API_URL: url('https://slack.com/api/').default('https://slack.com/api/').transform(withSlash),
  /** Sign in with Slack (OpenID Connect) on the connect pages; both or neither (config/rules.ts). */
  SLACK_CLIENT_ID: z.string().trim().optional(),
  SLACK_CLIENT_SECRET: z.string().trim().optional(),
  SLACK_OIDC_AUTHORIZE_URL: url('https://slack.com/openid/connect/authorize').default(
    'https://slack.com/openid/connect/authorize',
  ),
  SLACK_OIDC_KEYS_URL: url('https://slack.com/openid/connect/keys').default(
    'https://slack.com/openid/connect/keys',
  ),
  GMAIL_OAUTH_CLIENT_ID: required('1234-abcd.apps.googleusercontent.com'),
  GMAIL_OAUTH_CLIENT_SECRET: required('GOCSPX-...'),
  GMAIL_OAUTH_REDIRECT_URI: url('https://mailbridge.fly.dev/oauth/google/callback').optional(),
  GMAIL_OAUTH_STATE_SIGNING_KEY: required('the output of: openssl rand -hex 32').refine(
    (v) => Buffer.byteLength(v, 'utf8') >= MIN_SIGNING_KEY_BYTES,
    `must be at least ${MIN_SIGNING_KEY_BYTES} bytes; generate one with: openssl rand -hex 32`,
  ),
  // Checked per variable (not in the whole-object transform, which zod skips once any field failed),
  // so a bad key is reported together with every other problem of the same boot.
  GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: required('the output of: openssl rand -base64 32').transform((v, ctx) =>
    decodeAesKey(v, ctx),
  ),
  GMAIL_OAUTH_TOKEN_KEY_VERSION: keyVersion.default('v1'),
  GMAIL_OAUTH_PREVIOUS_KEYS: z.string().trim().default('').transform(parsePreviousKeys),
  GMAIL_SEND_GLOBAL_HOURLY_LIMIT: positiveInt(500),
  GMAIL_SEND_USER_HOURLY_LIMIT: positiveInt(20),
  GMAIL_SEND_USER_DAILY_LIMIT: positiveInt(100),
  GMAIL_DRAFTS_USER_HOURLY_LIMIT: positiveInt(30),
  GMAIL_DRAFT_TTL_SECONDS: positiveInt(15 * 60),
  ...policyFields,
  GMAIL_PUBSUB_TOPIC: required('projects/my-project/topics/gmail-push').regex(
    /^projects\/[^/]+\/topics\/[^/]+$/,
    'must look like projects/<project>/topics/<topic>, e.g. projects/my-project/topics/gmail-push',
  ),
  GMAIL_PUSH_AUDIENCE: url('https://mailbridge.fly.dev/pubsub/gmail').optional(),
  GMAIL_PUSH_SERVICE_ACCOUNT: required('mailbridge-push@my-project.iam.gserviceaccount.com').email(
    'must be a service account email, e.g. mailbridge-push@my-project.iam.gserviceaccount.com',
  ),
  GMAIL_NOTIFY_SCOPE: z.string().trim().default('https://www.googleapis.com/auth/gmail.metadata'),
  NOTIFY_RETRY_BASE_MS: positiveInt(60_000),
  NOTIFY_RETRY_ATTEMPTS: positiveInt(6),
  NOTIFY_RECHECK_DELAY_MS: positiveInt(5_000),
  NOTIFY_DIGEST_THRESHOLD: positiveInt(5),
  NOTIFY_SAFETY_SYNC_HOURS: positiveInt(6),
  /** How often watch renewal and safety syncs are considered; each watch is still renewed about daily. */
  NOTIFY_MAINTAIN_INTERVAL_MS: positiveInt(3_600_000),
  /** Gmail users.watch calls per second, all machines together (Gmail allows about 200 per project). */
  GMAIL_WATCH_RATE_PER_SECOND: positiveInt(100),
  /** Gmail quota units per person per second for history and message reads (Gmail allows 250). */
  GMAIL_USER_QUOTA_UNITS_PER_SECOND: positiveInt(200),
  SEND_RETRY_BASE_MS: positiveInt(5_000),
  /** How often expired confirmations are closed and sends a lost process left behind are settled. */
  SEND_SWEEP_INTERVAL_MS: positiveInt(60_000),
  /** How long App Home waits after a change before publishing, so a burst of changes publishes once. */
  HOME_REFRESH_DELAY_MS: positiveInt(2_000),
  REVOKE_RETRY_BASE_MS: positiveInt(30_000),
  /** Days a finished draft (sent, cancelled, expired, failed, outcome unknown) keeps its sealed content. */
  DRAFT_RETENTION_DAYS: positiveInt(7),
  /** Days an audit row is kept. */
  AUDIT_RETENTION_DAYS: positiveInt(400),
  /** Set by Fly on every machine: only then is Fly-Client-IP (written by Fly's edge) believed. */
  FLY_APP_NAME: z.string().trim().optional(),
  /** Proxies in front of the server whose X-Forwarded-For entry is believed; 0 believes none. */
  TRUST_PROXY_HOPS: wholeNumber(0, 0),
  AGENT_API_KEY: required('the output of: openssl rand -hex 32').transform(parseApiKeys),
  AGENT_EVENTS_URL: url('https://assistant.example.com/hooks/mail').optional(),
  AGENT_EVENTS_SECRET: z
    .string()
    .trim()
    .min(32, 'must be at least 32 characters, e.g. the output of: openssl rand -hex 32')
    .optional(),
  GOOGLE_OAUTH_AUTH_URL: url('https://accounts.google.com/o/oauth2/v2/auth').default(
    'https://accounts.google.com/o/oauth2/v2/auth',
  ),
  GOOGLE_OAUTH_TOKEN_URL: url('https://oauth2.googleapis.com/token').default(
    'https://oauth2.googleapis.com/token',
  ),
  GOOGLE_OAUTH_REVOKE_URL: url('https://oauth2.googleapis.com/revoke').default(
    'https://oauth2.googleapis.com/revoke',
  ),
  GOOGLE_OAUTH_CERTS_URL: url('https://www.googleapis.com/oauth2/v1/certs').default(
    'https://www.googleapis.com/oauth2/v1/certs',
  ),
  GMAIL_API_URL: url('https://gmail.googleapis.com/')
    .default('https://gmail.googleapis.com/')
    .transform(withSlash),
  HTTP_TIMEOUT_MS: positiveInt(10_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt(25_000),
  /** Headers and body of one request must arrive within this (408 otherwise): slow clients cannot hold slots. */
  HTTP_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  /** A connection with no traffic either way for this long is closed. */
  HTTP_CONNECTION_TIMEOUT_MS: positiveInt(60_000),
  /** An idle keep-alive connection is kept this long; above the 60 s idle timeout of common proxies. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt(72_000),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
});

export type Env = z.infer<typeof envSchema>;

export interface EncryptionKeys {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

export type Config = Omit<
  Env,
  | 'GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY'
  | 'GMAIL_OAUTH_PREVIOUS_KEYS'
  | 'GMAIL_OAUTH_REDIRECT_URI'
  | 'GMAIL_PUSH_AUDIENCE'
  | 'AGENT_API_KEY'
> & {
  GMAIL_OAUTH_REDIRECT_URI: string;
  GMAIL_PUSH_AUDIENCE: string;
  AGENT_API_KEYS: readonly string[];
  encryptionKeys: EncryptionKeys;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const configSchema = envSchema
  .superRefine((env, ctx) => crossFieldRules(env, ctx), { when: () => true })
  .transform((env): Config => {
    const {
      GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: current,
      GMAIL_OAUTH_PREVIOUS_KEYS: keys,
      AGENT_API_KEY: agentKeys,
      ...rest
    } = env;
    // Validation guarantees the key decoded; the current version wins over a previous entry of that name.
    if (current) keys.set(env.GMAIL_OAUTH_TOKEN_KEY_VERSION, current);
    return {
      ...rest,
      GMAIL_OAUTH_REDIRECT_URI:
        env.GMAIL_OAUTH_REDIRECT_URI ?? `${env.PUBLIC_BASE_URL}/oauth/google/callback`,
      GMAIL_PUSH_AUDIENCE: env.GMAIL_PUSH_AUDIENCE ?? `${env.PUBLIC_BASE_URL}/pubsub/gmail`,
      AGENT_API_KEYS: agentKeys,
      encryptionKeys: { current: env.GMAIL_OAUTH_TOKEN_KEY_VERSION, keys },
    };
  });

/** Parses the environment; throws a ConfigError listing every problem by variable name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsMissing = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const result = configSchema.safeParse(blankAsMissing);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || 'configuration';
        return `${name}: ${issue.message}`;
      }),
    );
  }
  return result.data;
}
