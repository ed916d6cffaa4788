import { z } from 'zod';

/** The whole configuration contract (SPEC section 2). This module is the only reader of process.env. */

const MIN_SIGNING_KEY_BYTES = 32;

const url = (example: string) =>
  z
    .string({ error: `is required, e.g. ${example}` })
    .trim()
    .refine((v) => URL.canParse(v), { message: `must be an absolute URL, e.g. ${example}` });

const withSlash = (v: string) => (v.endsWith('/') ? v : `${v}/`);
const withoutSlash = (v: string) => v.replace(/\/+$/, '');

const required = (example: string) =>
  z
    .string({ error: `is required, e.g. ${example}` })
    .trim()
    .min(1, `is required, e.g. ${example}`);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const keyVersion = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a short label of letters, digits, - or _, e.g. v2');

/** Decodes base64 and insists on exactly 32 bytes: anything weaker is refused rather than padded. */
function decodeAesKey(value: string, ctx: z.RefinementCtx, label = ''): Buffer | undefined {
  const what = label ? `${label} ` : '';
  const trimmed = value.trim();
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (bytes.length !== 32) {
    ctx.addIssue({
      code: 'custom',
      message: `${what}must be base64 of exactly 32 random bytes (got ${bytes.length}); generate one with: openssl rand -base64 32`,
    });
    return undefined;
  }
  if (new Set(bytes).size < 8) {
    ctx.addIssue({
      code: 'custom',
      message: `${what}is not random enough; generate one with: openssl rand -base64 32`,
    });
    return undefined;
  }
  return bytes;
}

/** `v1:<base64>,v2:<base64>`: older keys, still accepted for decryption during a rotation. */
function parsePreviousKeys(value: string, ctx: z.RefinementCtx): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of value.split(',').filter((e) => e.trim() !== '')) {
    const [label = '', material = ''] = entry.trim().split(/:(.*)/s);
    if (!keyVersion.safeParse(label).success || material === '') {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a comma-separated list of <version>:<base64 key>, e.g. v1:AbC...=',
      });
      continue;
    }
    const key = decodeAesKey(material, ctx, `entry ${label}`);
    if (key) keys.set(label, key);
  }
  return keys;
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Prometheus scrapes this port; it is never published through the HTTP service. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9091),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PUBLIC_BASE_URL: url('https://mailbridge.fly.dev').transform(withoutSlash),
  DATABASE_URL: url('postgresql://postgres@127.0.0.1:5432/mailbridge'),
  REDIS_URL: url('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().trim().min(1).default('mailbridge'),
  SLACK_BOT_TOKEN: required('xoxb-1234-5678-abcd').refine(
    (v) => v.startsWith('xoxb-'),
    'must start with xoxb-',
  ),
  SLACK_APP_TOKEN: required('xapp-1-A123-456-abcd').refine(
    (v) => v.startsWith('xapp-'),
    'must start with xapp-',
  ),
  SLACK_API_URL: url('https://slack.com/api/').default('https://slack.com/api/').transform(withSlash),
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
  /** Whether a Slack Connect author (from another workspace) may have an email staged for them. */
  ALLOW_SLACK_CONNECT_TRIGGERS: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  GMAIL_PUBSUB_TOPIC: required('projects/my-project/topics/gmail-push').regex(
    /^projects\/[^/]+\/topics\/[^/]+$/,
    'must look like projects/<project>/topics/<topic>',
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
  SEND_RETRY_BASE_MS: positiveInt(5_000),
  /** How often expired confirmations are closed and sends a lost process left behind are settled. */
  SEND_SWEEP_INTERVAL_MS: positiveInt(60_000),
  REVOKE_RETRY_BASE_MS: positiveInt(30_000),
  /** Days a finished draft (sent, cancelled, expired, failed, outcome unknown) keeps its sealed content. */
  DRAFT_RETENTION_DAYS: positiveInt(7),
  /** Days an audit row is kept. */
  AUDIT_RETENTION_DAYS: positiveInt(400),
  AGENT_API_KEY: required('the output of: openssl rand -hex 32').transform((v, ctx) => {
    const keys = v
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    if (keys.some((k) => k.length < 24))
      ctx.addIssue({ code: 'custom', message: 'each key must be at least 24 characters' });
    return keys;
  }),
  AGENT_EVENTS_URL: url('https://assistant.example.com/hooks/mail').optional(),
  AGENT_EVENTS_SECRET: z.string().trim().min(32, 'must be at least 32 characters').optional(),
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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

/** Rules across variables; run even when single variables failed, so one boot reports every problem. */
function crossFieldRules(env: Partial<Record<keyof Env, unknown>>, ctx: z.RefinementCtx): void {
  if (env.AGENT_EVENTS_URL !== undefined && env.AGENT_EVENTS_SECRET === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['AGENT_EVENTS_SECRET'],
      message:
        'is required when AGENT_EVENTS_URL is set (HMAC key for the event signature), e.g. openssl rand -hex 32',
    });
  }
  if (typeof env.PORT === 'number' && env.PORT !== 0 && env.METRICS_PORT === env.PORT) {
    ctx.addIssue({
      code: 'custom',
      path: ['METRICS_PORT'],
      message: 'must differ from PORT (metrics have a listener of their own), e.g. 9091',
    });
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
