import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';

const validEnv = () => ({
  PUBLIC_BASE_URL: 'https://mailbridge.example.com/',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/mailbridge',
  REDIS_URL: 'redis://127.0.0.1:6379',
  SLACK_BOT_TOKEN: 'xoxb-1-2-3',
  SLACK_APP_TOKEN: 'xapp-1-2-3',
  GMAIL_OAUTH_CLIENT_ID: 'client.apps.googleusercontent.com',
  GMAIL_OAUTH_CLIENT_SECRET: 'secret',
  GMAIL_OAUTH_STATE_SIGNING_KEY: randomBytes(32).toString('hex'),
  GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  GMAIL_OAUTH_TOKEN_KEY_VERSION: 'v2',
  GMAIL_PUBSUB_TOPIC: 'projects/p/topics/t',
  GMAIL_PUSH_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
  AGENT_API_KEY: randomBytes(24).toString('hex'),
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('when the environment is complete, then defaults are derived from PUBLIC_BASE_URL', () => {
    const config = loadConfig(validEnv());
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.GMAIL_OAUTH_REDIRECT_URI).toBe('https://mailbridge.example.com/oauth/google/callback');
    expect(config.GMAIL_PUSH_AUDIENCE).toBe('https://mailbridge.example.com/pubsub/gmail');
    expect(config.SLACK_API_URL).toBe('https://slack.com/api/');
    expect(config.GMAIL_SEND_GLOBAL_HOURLY_LIMIT).toBe(500);
    expect(config.encryptionKeys.current).toBe('v2');
  });

  it('when several values are wrong, then every problem is named in one error', () => {
    const env = { ...validEnv(), SLACK_BOT_TOKEN: 'xapp-wrong', PORT: 'eighty', GMAIL_PUBSUB_TOPIC: 'gmail' };
    delete (env as Partial<typeof env>).DATABASE_URL;
    const problems = problemsOf(env);
    expect(problems.join('\n')).toMatch(/SLACK_BOT_TOKEN: must start with xoxb-/);
    expect(problems.join('\n')).toMatch(/PORT:/);
    expect(problems.join('\n')).toMatch(/GMAIL_PUBSUB_TOPIC: must look like projects/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL: is required, e.g. postgresql:/);
  });

  it('when keys, URLs, numbers and cross-field rules are all wrong in one boot, then every variable is named', () => {
    const env = {
      ...validEnv(),
      PUBLIC_BASE_URL: 'not a url',
      REDIS_URL: 'redis 127.0.0.1',
      PORT: '-1',
      SLACK_APP_TOKEN: 'xoxb-not-an-app-token',
      GMAIL_OAUTH_STATE_SIGNING_KEY: 'short',
      GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: randomBytes(16).toString('base64'),
      GMAIL_OAUTH_TOKEN_KEY_VERSION: 'v 2',
      GMAIL_OAUTH_PREVIOUS_KEYS: `v1:${Buffer.alloc(32).toString('base64')},broken`,
      GMAIL_SEND_GLOBAL_HOURLY_LIMIT: '0',
      GMAIL_PUSH_SERVICE_ACCOUNT: 'not-an-email',
      AGENT_API_KEY: 'short-key',
      AGENT_EVENTS_URL: 'https://assistant.example.com/hooks/mail',
      LOG_LEVEL: 'loud',
    };
    const problems = problemsOf(env);
    const named = problems.map((p) => p.split(':')[0]);
    expect([...new Set(named)].sort()).toEqual(
      [
        'PUBLIC_BASE_URL',
        'REDIS_URL',
        'PORT',
        'SLACK_APP_TOKEN',
        'GMAIL_OAUTH_STATE_SIGNING_KEY',
        'GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY',
        'GMAIL_OAUTH_TOKEN_KEY_VERSION',
        'GMAIL_OAUTH_PREVIOUS_KEYS',
        'GMAIL_SEND_GLOBAL_HOURLY_LIMIT',
        'GMAIL_PUSH_SERVICE_ACCOUNT',
        'AGENT_API_KEY',
        'AGENT_EVENTS_SECRET',
        'LOG_LEVEL',
      ].sort(),
    );
    const text = problems.join('\n');
    expect(text).toMatch(
      /GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: must be base64 of exactly 32 random bytes \(got 16\)/,
    );
    expect(text).toMatch(/GMAIL_OAUTH_PREVIOUS_KEYS: entry v1 is not random enough/);
    expect(text).toMatch(/GMAIL_OAUTH_PREVIOUS_KEYS: must be a comma-separated list/);
    expect(text).toMatch(/AGENT_EVENTS_SECRET: is required when AGENT_EVENTS_URL is set/);
  });

  it('when AGENT_EVENTS_SECRET is set without AGENT_EVENTS_URL, then the error names AGENT_EVENTS_URL alone', () => {
    const problems = problemsOf({ ...validEnv(), AGENT_EVENTS_SECRET: randomBytes(32).toString('hex') });
    expect(problems).toEqual([
      expect.stringMatching(/^AGENT_EVENTS_URL: is required when AGENT_EVENTS_SECRET is set/),
    ]);
  });

  it('when AGENT_EVENTS_URL is set without AGENT_EVENTS_SECRET, then the error names AGENT_EVENTS_SECRET alone', () => {
    const problems = problemsOf({
      ...validEnv(),
      AGENT_EVENTS_URL: 'https://assistant.example.com/hooks/mail',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^AGENT_EVENTS_SECRET: is required when AGENT_EVENTS_URL is set/),
    ]);
  });

  it('when AGENT_EVENTS_URL and AGENT_EVENTS_SECRET are set together, then both are kept', () => {
    const secret = randomBytes(32).toString('hex');
    const config = loadConfig({
      ...validEnv(),
      AGENT_EVENTS_URL: 'https://assistant.example.com/hooks/mail',
      AGENT_EVENTS_SECRET: secret,
    });
    expect(config).toMatchObject({
      AGENT_EVENTS_URL: 'https://assistant.example.com/hooks/mail',
      AGENT_EVENTS_SECRET: secret,
    });
  });

  it('when only one of SLACK_CLIENT_ID and SLACK_CLIENT_SECRET is set, then the error names the other alone', () => {
    expect(problemsOf({ ...validEnv(), SLACK_CLIENT_ID: '1234.5678' })).toEqual([
      expect.stringMatching(/^SLACK_CLIENT_SECRET: is required when SLACK_CLIENT_ID is set/),
    ]);
    expect(problemsOf({ ...validEnv(), SLACK_CLIENT_SECRET: 'abcd' })).toEqual([
      expect.stringMatching(/^SLACK_CLIENT_ID: is required when SLACK_CLIENT_SECRET is set/),
    ]);
  });

  it('when Sign in with Slack is configured, then both credentials are kept and Slack’s endpoints are the defaults', () => {
    const off = loadConfig(validEnv());
    expect(off.SLACK_CLIENT_ID ?? off.SLACK_CLIENT_SECRET).toBeUndefined();
    expect(off).toMatchObject({
      SLACK_OIDC_AUTHORIZE_URL: 'https://slack.com/openid/connect/authorize',
      SLACK_OIDC_KEYS_URL: 'https://slack.com/openid/connect/keys',
    });
    expect(
      loadConfig({ ...validEnv(), SLACK_CLIENT_ID: '1234.5678', SLACK_CLIENT_SECRET: 'abcd' }),
    ).toMatchObject({
      SLACK_CLIENT_ID: '1234.5678',
      SLACK_CLIENT_SECRET: 'abcd',
    });
  });

  it('when only a key is wrong, then the error names the key and no other variable', () => {
    const problems = problemsOf({ ...validEnv(), GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: 'not-a-key!' });
    expect(problems).toEqual([expect.stringMatching(/^GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: must be base64/)]);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['not base64', 'not-a-key!'],
    ['all zero', Buffer.alloc(32).toString('base64')],
  ])('when the encryption key is %s, then it is refused', (_label, key) => {
    expect(problemsOf({ ...validEnv(), GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: key }).join('\n')).toMatch(
      /GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY/,
    );
  });

  it('when the signing key is shorter than 32 bytes, then it is refused', () => {
    expect(problemsOf({ ...validEnv(), GMAIL_OAUTH_STATE_SIGNING_KEY: 'short' }).join('\n')).toMatch(
      /GMAIL_OAUTH_STATE_SIGNING_KEY: must be at least 32 bytes/,
    );
  });

  it('when previous keys are listed, then all versions are available for decryption', () => {
    const old = randomBytes(32).toString('base64');
    const config = loadConfig({ ...validEnv(), GMAIL_OAUTH_PREVIOUS_KEYS: `v1:${old}` });
    expect([...config.encryptionKeys.keys.keys()].sort()).toEqual(['v1', 'v2']);
    expect(problemsOf({ ...validEnv(), GMAIL_OAUTH_PREVIOUS_KEYS: 'v1' }).join('\n')).toMatch(
      /GMAIL_OAUTH_PREVIOUS_KEYS/,
    );
  });

  it('when a problem is reported, then the secret value itself is not echoed', () => {
    const secret = 'xapp-this-is-secret';
    const problems = problemsOf({ ...validEnv(), SLACK_BOT_TOKEN: secret });
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('when AGENT_API_KEY lists several keys, then each is accepted', () => {
    const a = randomBytes(24).toString('hex');
    const b = randomBytes(24).toString('hex');
    expect(loadConfig({ ...validEnv(), AGENT_API_KEY: `${a}, ${b}` }).AGENT_API_KEYS).toEqual([a, b]);
  });

  it('when nothing is said about metrics and HTTP timeouts, then the documented defaults apply', () => {
    expect(loadConfig(validEnv())).toMatchObject({
      METRICS_PORT: 9091,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_CONNECTION_TIMEOUT_MS: 60_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000,
    });
  });

  it('when METRICS_PORT is the main port, then it is refused by name', () => {
    expect(problemsOf({ ...validEnv(), PORT: '8080', METRICS_PORT: '8080' })).toEqual([
      'METRICS_PORT: must differ from PORT (metrics have a listener of their own), e.g. 9091',
    ]);
    expect(problemsOf({ ...validEnv(), PORT: '0', METRICS_PORT: '0' })).toEqual([]);
  });
  it('when a number, flag or choice is wrong, then the message says what is wrong and shows a valid value', () => {
    const problems = problemsOf({
      ...validEnv(),
      GMAIL_SEND_USER_HOURLY_LIMIT: '0',
      DRAFT_RETENTION_DAYS: 'seven',
      HTTP_TIMEOUT_MS: '2.5',
      PORT: '70000',
      ALLOW_SLACK_CONNECT_TRIGGERS: 'yes',
      LOG_LEVEL: 'loud',
      TRUST_PROXY_HOPS: '-1',
    });
    expect(problems.sort()).toEqual(
      [
        'GMAIL_SEND_USER_HOURLY_LIMIT: must be a whole number of at least 1, e.g. 20',
        'DRAFT_RETENTION_DAYS: must be a whole number of at least 1, e.g. 7',
        'HTTP_TIMEOUT_MS: must be a whole number of at least 1, e.g. 10000',
        'PORT: must be a port number from 0 to 65535, e.g. 3000',
        'ALLOW_SLACK_CONNECT_TRIGGERS: must be true or false, e.g. false',
        'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, e.g. info',
        'TRUST_PROXY_HOPS: must be a whole number of at least 0, e.g. 0',
      ].sort(),
    );
  });

  it('when NODE_ENV has any value, then the boot is not refused (it is read by libraries, not by Mailbridge)', () => {
    expect(problemsOf({ ...validEnv(), NODE_ENV: 'staging' })).toEqual([]);
  });

  it('when running on Fly or behind proxies is not said, then no forwarded address is believed', () => {
    const plain = loadConfig(validEnv());
    expect(plain.FLY_APP_NAME).toBeUndefined();
    expect(plain.TRUST_PROXY_HOPS).toBe(0);
    expect(loadConfig({ ...validEnv(), FLY_APP_NAME: 'mailbridge', TRUST_PROXY_HOPS: '2' })).toMatchObject({
      FLY_APP_NAME: 'mailbridge',
      TRUST_PROXY_HOPS: 2,
    });
  });
});
