/**
 * `npm run dev`: runs Mailbridge locally.
 * - With Slack and Google credentials in the environment (or .env), the server runs against the real services.
 * - Without them, it starts the built-in Slack and Google emulators, wires the server to them and offers a
 *   small console to play the part of a Slack user.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { migrate } from '../src/platform/migrator';
import { startSlackEmulator, type SlackEmulator } from '@mailbridge/slack-emulator';
import { startGoogleEmulator, type GoogleEmulator } from '@mailbridge/google-emulator';
import { manifestBotScopes } from '../test/helpers/slack-manifest';

const ROOT = path.resolve(__dirname, '..');
const DEV_DIR = path.join(ROOT, '.dev');
const DEV_USER = 'U0DEVUSER';
const DEV_CHANNEL = 'C0GENERAL';
const DEV_EMAIL = 'you@example.com';

if (existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'));

const REAL_SERVICE_VARS = [
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'GMAIL_OAUTH_CLIENT_ID',
  'GMAIL_OAUTH_CLIENT_SECRET',
];

function say(text = '') {
  process.stdout.write(`${text}\n`);
}

async function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(1500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

async function ensureServices(databaseUrl: string, redisUrl: string) {
  const problems: string[] = [];
  if (!(await reachable(databaseUrl.replace(/^postgres(ql)?:/, 'http:')))) {
    problems.push(
      `Postgres is not reachable at ${new URL(databaseUrl).host}. Start one, e.g.:`,
      '  Debian/Ubuntu: sudo apt-get install -y postgresql && sudo pg_ctlcluster 15 main start',
      '  macOS:         brew install postgresql@15 && brew services start postgresql@15',
      '  Docker:        docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15',
      '  or set DATABASE_URL to an existing database.',
    );
  }
  if (!(await reachable(redisUrl.replace(/^rediss?:/, 'http:')))) {
    problems.push(
      `Redis is not reachable at ${new URL(redisUrl).host}. Start one, e.g.:`,
      '  Debian/Ubuntu: sudo apt-get install -y redis-server && redis-server --daemonize yes',
      '  macOS:         brew install redis && brew services start redis',
      '  Docker:        docker run -d -p 6379:6379 redis:7',
      '  or set REDIS_URL to an existing instance.',
    );
  }
  if (problems.length) {
    say(problems.join('\n'));
    process.exit(1);
  }
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await admin.end();
  const result = await migrate(databaseUrl, path.join(ROOT, 'prisma', 'migrations'));
  if (result.applied.length) say(`Applied ${result.applied.length} migration(s) to ${name}.`);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.quit();
}

/** `preferred` when nothing listens there, else a port the system picks (two dev stacks can run side by side). */
async function portPreferring(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen(port, '127.0.0.1', () => {
        const chosen = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(chosen));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0))!;
}

/** Secrets for the emulated setup, kept in .dev/ so stored tokens stay readable across restarts. */
function devSecrets(): Record<string, string> {
  const file = path.join(DEV_DIR, 'secrets.json');
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
        const entry = JSON.parse(line) as { level: number; msg: string; time?: string };
        if (entry.level >= 30) say(`  [server] ${entry.msg}`);
      } catch {
        say(`  [server] ${line}`);
      }
    }
  });
  return child;
}

function describeMessage(m: SlackEmulator['messages'][number]) {
  const where =
    m.kind === 'postEphemeral' || m.kind === 'response_url' || m.kind === 'ack'
      ? '(only you)'
      : (m.channel ?? '');
  return `  [slack ${m.kind} ${where}] ${m.text ?? ''}`;
}

async function runWithEmulators() {
  const port = Number(process.env.PORT ?? 3000);
  const baseUrl = process.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`;
  const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mailbridge_dev';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const metricsPort = Number(process.env.METRICS_PORT ?? (await portPreferring(9091)));
  await ensureServices(databaseUrl, redisUrl);

  // Grants what the deploy manifest requests, as a real install would.
  const slack = await startSlackEmulator({ teamName: 'Mailbridge Dev', scopes: manifestBotScopes() });
  slack.addUser({ id: DEV_USER, name: 'you', realName: 'You (dev)', email: DEV_EMAIL });
  slack.addChannel({ id: DEV_CHANNEL, name: 'general', members: [DEV_USER] });
  const google: GoogleEmulator = await startGoogleEmulator({ interactive: true });
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

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    HOST: process.env.HOST ?? '127.0.0.1',
    PUBLIC_BASE_URL: baseUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX ?? 'mailbridge-dev',
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
  };
  const server = runServer(env);
  let seen = 0;
  const printer = setInterval(() => {
    for (; seen < slack.messages.length; seen++) say(describeMessage(slack.messages[seen]!));
  }, 200);

  const shutdown = async () => {
    clearInterval(printer);
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await Promise.allSettled([slack.close(), google.close()]);
    process.exit(0);
  };
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
  Assistant:   curl -H "Authorization: Bearer ${env.AGENT_API_KEY}" ${baseUrl}/api/tools/send-email ...

Type a command (as the Slack user):
  /ai-email-connect            then open the link it prints (Sign in with Slack signs you in as ${DEV_USER}) and enter the code
  /ai-email-status | /ai-email-disconnect | /ai-email-notifications on
  say <text>                   post a message in #general (prints its ts for the assistant's tool call)
  mail <subject>               deliver a new email to your inbox
  quit
To use real Slack and Google instead, put the variables from .env.example in .env (see README).
`);
  // The console needs a terminal; without one (CI, a process manager) the stack just runs until a signal.
  if (process.stdin.isTTY) {
    const rl = readline.createInterface({ input: process.stdin });
    rl.on('line', (line) => void handleLine(line.trim()).catch((err) => say(`  ${String(err)}`)));
    rl.on('close', () => void shutdown());
  }

  async function handleLine(line: string) {
    if (!line) return;
    if (line === 'quit' || line === 'exit') return shutdown();
    if (line.startsWith('/')) {
      const [command = '', ...rest] = line.split(/\s+/);
      await slack.slashCommand({ command, text: rest.join(' '), userId: DEV_USER, channelId: DEV_CHANNEL });
      return;
    }
    if (line.startsWith('say ')) {
      const ts = `${Math.floor(Date.now() / 1000)}.${String(Date.now() % 1000).padStart(3, '0')}100`;
      await slack.event({
        type: 'message',
        channel: DEV_CHANNEL,
        user: DEV_USER,
        text: line.slice(4),
        ts,
        channel_type: 'channel',
      });
      say(`  posted in #general with ts ${ts}`);
      return;
    }
    if (line.startsWith('mail ')) {
      google.deliver(DEV_EMAIL, { from: 'Ada Lovelace <ada@example.org>', subject: line.slice(5) });
      say('  delivered to your inbox');
      return;
    }
    say('  unknown command; try /ai-email-connect, say <text>, mail <subject> or quit');
  }
}

async function main() {
  const missing = REAL_SERVICE_VARS.filter((name) => !process.env[name]);
  if (missing.length === 0) {
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
