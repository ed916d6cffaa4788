/**
 * `npm run dev`: runs Mailbridge locally.
 * - With Slack and Google credentials in the environment (or the `.env` of the current directory), the
 *   server runs against the real services.
 * - Without them (missing, or still the placeholders of `.env.example`), it starts the built-in Slack and
 *   Google emulators, wires the server to them and offers a console to play the part of a Slack user
 *   (scripts/dev/console.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { startSlackEmulator } from '@mailbridge/slack-emulator';
import { startGoogleEmulator } from '@mailbridge/google-emulator';
import { manifestBotScopes } from '../test/helpers/slack-manifest';
import { HELP, createConsole } from './dev/console';
import {
  REAL_ONLY_VARS,
  REAL_SERVICE_VARS,
  missingCredentials,
  portPreferring,
  portProblems,
} from './dev/env';
import { ensureServices } from './dev/services';

const ROOT = path.resolve(__dirname, '..');
const DEV_DIR = path.join(ROOT, '.dev');
const DEV_USER = 'U0DEVUSER';
const DEV_CHANNEL = 'C0GENERAL';
const DEV_EMAIL = 'you@example.com';
/** The dev user's Slack time zone is this machine's, so dates read as on the developer's clock. */
const DEV_TZ = Intl.DateTimeFormat().resolvedOptions().timeZone;
const SECRETS_FILE = path.join(DEV_DIR, 'secrets.json');

// Values already in the environment win over the file's (Node's loadEnvFile never overrides).
if (existsSync('.env')) process.loadEnvFile('.env');

function say(text = '') {
  process.stdout.write(`${text}\n`);
}

/** Stops with the port problems, if any, naming the variable to change. */
async function checkPorts(port: number, metricsPort: number | undefined, host: string) {
  const problems = await portProblems({ PORT: port, METRICS_PORT: metricsPort }, host);
  if (problems.length === 0) return;
  say(problems.join('\n'));
  process.exit(1);
}

/** Secrets for the emulated setup, kept in .dev/ so stored tokens stay readable across restarts. */
function devSecrets(): Record<string, string> {
  const file = SECRETS_FILE;
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  mkdirSync(DEV_DIR, { recursive: true });
  const secrets = {
    GMAIL_OAUTH_STATE_SIGNING_KEY: randomBytes(32).toString('hex'),
    GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    GMAIL_OAUTH_TOKEN_KEY_VERSION: 'v1',
    AGENT_API_KEY: randomBytes(24).toString('hex'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function runServer(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      try {
        const entry = JSON.parse(line) as { level: number; msg: string };
        if (entry.level >= 30) say(`  [server] ${entry.msg}`);
      } catch {
        say(`  [server] ${line}`);
      }
    }
  });
  return child;
}

async function runWithEmulators() {
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000);
  const metricsSet = process.env.METRICS_PORT !== undefined && process.env.METRICS_PORT !== '';
  await checkPorts(port, metricsSet ? Number(process.env.METRICS_PORT) : undefined, host);
  const metricsPort = metricsSet ? Number(process.env.METRICS_PORT) : await portPreferring(9091, host);
  // Links, the OAuth redirect and Gmail's push must reach this server, whatever a .env says for production.
  const ignored = REAL_ONLY_VARS.filter((name) => process.env[name]);
  const baseUrl = `http://127.0.0.1:${port}`;
  const databaseUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/mailbridge_dev';
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  await ensureServices(ROOT, databaseUrl, redisUrl, say);

  // Grants what the deploy manifest requests, as a real install would.
  const slack = await startSlackEmulator({ teamName: 'Mailbridge Dev', scopes: manifestBotScopes() });
  slack.addUser({ id: DEV_USER, name: 'you', realName: 'You (dev)', email: DEV_EMAIL, tz: DEV_TZ });
  slack.addChannel({ id: DEV_CHANNEL, name: 'general', members: [DEV_USER] });
  const google = await startGoogleEmulator({ interactive: true });
  google.addAccount({ email: DEV_EMAIL, name: 'You (dev)' });
  google.addRedirectUri(`${baseUrl}/oauth/google/callback`);
  // Sign in with Slack is on, as it should be in production: the browser is signed in to the emulated Slack as you.
  slack.oidc.addRedirectUri(`${baseUrl}/oauth/slack/callback`);
  slack.oidc.signInAs(DEV_USER);
  const serviceAccount = 'gmail-push@mailbridge-dev.iam.gserviceaccount.com';
  google.configurePush({
    endpoint: `${baseUrl}/pubsub/gmail`,
    audience: `${baseUrl}/pubsub/gmail`,
    serviceAccountEmail: serviceAccount,
  });

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of REAL_ONLY_VARS) delete env[name];
  Object.assign(env, {
    NODE_ENV: 'development',
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    HOST: host,
    PUBLIC_BASE_URL: baseUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX || 'mailbridge-dev',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    SLACK_CLIENT_ID: slack.oidc.clientId,
    SLACK_CLIENT_SECRET: slack.oidc.clientSecret,
    SLACK_OIDC_AUTHORIZE_URL: slack.oidc.authorizeUrl,
    SLACK_OIDC_KEYS_URL: slack.oidc.keysUrl,
    GMAIL_OAUTH_CLIENT_ID: google.clientId,
    GMAIL_OAUTH_CLIENT_SECRET: google.clientSecret,
    GOOGLE_OAUTH_AUTH_URL: google.urls.authUrl,
    GOOGLE_OAUTH_TOKEN_URL: google.urls.tokenUrl,
    GOOGLE_OAUTH_REVOKE_URL: google.urls.revokeUrl,
    GOOGLE_OAUTH_CERTS_URL: google.urls.certsUrl,
    GMAIL_API_URL: google.urls.gmailApiUrl,
    GMAIL_PUBSUB_TOPIC: 'projects/mailbridge-dev/topics/gmail-push',
    GMAIL_PUSH_SERVICE_ACCOUNT: serviceAccount,
    ...devSecrets(),
  });
  const server = runServer(env);

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      clearInterval(printer);
      server.kill('SIGTERM');
      if (server.exitCode === null) await new Promise((r) => server.once('exit', r));
      await Promise.allSettled([slack.close(), google.close()]);
      process.exit(0);
    })());
  const devConsole = createConsole({
    slack,
    google,
    userId: DEV_USER,
    channelId: DEV_CHANNEL,
    timeZone: DEV_TZ,
    email: DEV_EMAIL,
    say,
    shutdown,
  });
  const printer = setInterval(() => devConsole.tick(), 100);
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  server.once('exit', (code) => {
    if (code) say(`The server exited with code ${code}; see the messages above.`);
  });

  await slack.waitForConnections(1, 60_000);
  say(`
Mailbridge is running against local Slack and Google emulators (no credentials found).
  Server:      ${baseUrl}   (readiness: ${baseUrl}/readyz, metrics: http://127.0.0.1:${metricsPort}/metrics)
  You are:     Slack user ${DEV_USER} in #general, Gmail account ${DEV_EMAIL}
  Assistant:   AGENT_API_KEY ${env.AGENT_API_KEY!.slice(0, 6)}… (the whole key is in ${SECRETS_FILE})
               curl -H "Authorization: Bearer $(node -p "require('${SECRETS_FILE}').AGENT_API_KEY")" ${baseUrl}/api/tools/send-email ...
${ignored.length ? `  Not used:    ${ignored.join(', ')} from your environment or .env (they point at the real services)\n` : ''}
${HELP}
Start with /ai-email-connect, then open the link it prints (Sign in with Slack signs you in as ${DEV_USER}) and enter the code.
To use real Slack and Google instead, put the variables from .env.example in .env (see README).
`);
  // Commands come from stdin, a terminal or a pipe. When a pipe ends the stack keeps running (replies and
  // notifications still arrive and are shown) until \`quit\` or Ctrl-C; a terminal's end of input (Ctrl-D) quits.
  const rl = readline.createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    // One command at a time, in order, each after the screen caught up with the previous one.
    queue = queue
      .then(() => devConsole.handleLine(line.trim()))
      .catch((err: unknown) => say(`  ${err instanceof Error ? err.message : String(err)}`))
      .then(() => devConsole.tick());
  });
  rl.on('close', () => {
    if (process.stdin.isTTY) return void shutdown();
    void queue.then(
      () => stopping ?? say('(end of input: still running so replies can arrive; Ctrl-C stops it)'),
    );
  });
}

async function main() {
  const missing = missingCredentials(process.env);
  if (missing.length === 0) {
    await checkPorts(Number(process.env.PORT ?? 3000), undefined, process.env.HOST ?? '0.0.0.0');
    say('Slack and Google credentials found: running against the real services.');
    const server = runServer({ ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' });
    process.once('SIGINT', () => server.kill('SIGTERM'));
    process.once('SIGTERM', () => server.kill('SIGTERM'));
    server.once('exit', (code) => process.exit(code ?? 0));
    return;
  }
  if (missing.length < REAL_SERVICE_VARS.length) {
    say(
      `Some credentials are set but ${missing.join(', ')} missing; using the local emulators for everything.`,
    );
  }
  await runWithEmulators();
}

void main().catch((err) => {
  say(`npm run dev failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
