import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { PG_ADMIN_URL, uniqueRedisPrefix } from '../helpers/database';
import { DevConsole } from '../helpers/dev-console';
import { Browser } from '../helpers/slack-sign-in-flow';
import { freePort } from '../helpers/server-process';
import { deleteRedisPrefix, eventually } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');

describe('npm run dev', () => {
  it('when no credentials are configured, then it starts the emulators and the server answers /readyz 200', async () => {
    const port = await freePort();
    const dbName = `mailbridge_devtest_${port}`;
    const dbUrl = new URL(PG_ADMIN_URL);
    dbUrl.pathname = `/${dbName}`;
    const prefix = uniqueRedisPrefix();
    const child = spawn('npm', ['run', 'dev'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATABASE_URL: dbUrl.toString(),
        REDIS_KEY_PREFIX: prefix,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (c) => (output += String(c)));
    child.stderr!.on('data', (c) => (output += String(c)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const ready = await eventually(
        async () => {
          // Readiness does not wait for the Slack socket; the dev stack is up once both are.
          const res = await fetch(`http://127.0.0.1:${port}/readyz`);
          const body = res.status === 200 ? ((await res.json()) as { checks: { slack: string } }) : undefined;
          return body?.checks.slack === 'up' ? body : undefined;
        },
        60_000,
        250,
      );
      expect(ready).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'up', slack: 'up' } });
      expect(output).toMatch(/running against local Slack and Google emulators/);
    } finally {
      process.kill(-child.pid!, 'SIGINT');
      await exited;
      await deleteRedisPrefix(prefix);
      const admin = new Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
    }
  });
});

/**
 * The browser part of connecting: the start link (through Sign in with Slack when the stack offers it),
 * the code, the emulated Google consent page (its form posted as a person would post it), the callback.
 */
async function connectInBrowser(startUrl: string, code: string): Promise<string> {
  const browser = new Browser();
  const start = await browser.follow(startUrl);
  if (start.status !== 200) throw new Error(`start page answered ${start.status}: ${start.body}`);
  const origin = new URL(startUrl).origin;
  const formToken = /name="form_token" value="([^"]+)"/.exec(start.body)?.[1] ?? '';
  const pairing = new URL(startUrl).searchParams.get('pairing')!;
  const begun = await browser.post(
    `${origin}/oauth/google/begin`,
    { pairing, code, form_token: formToken },
    origin,
  );
  if (begun.status !== 303 || !begun.location)
    throw new Error(`begin answered ${begun.status}: ${begun.body}`);
  const consent = await browser.follow(begun.location);
  const action = /<form method="post" action="([^"]+)"/.exec(consent.body)?.[1];
  if (!action) throw new Error(`no consent form: ${consent.status} ${consent.body}`);
  const form = new URLSearchParams({
    request: /name="request" value="([^"]+)"/.exec(consent.body)?.[1] ?? '',
    email: /name="email" value="([^"]+)" checked/.exec(consent.body)?.[1] ?? '',
    decision: 'allow',
  });
  for (const [, scope] of consent.body.matchAll(/name="scope" value="([^"]+)" checked>/g))
    form.append('scope', scope!);
  const google = await fetch(new URL(action, consent.url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const callback = google.headers.get('location');
  if (!callback) throw new Error(`consent answered ${google.status}: ${await google.text()}`);
  return (await browser.follow(callback)).body;
}

describe('the dev console', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailbridge-dev-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when .env.example is copied to .env, then the stack runs on the emulators and the console connects, shows messages, modals and the Home, and sends', async () => {
    copyFileSync(path.join(ROOT, '.env.example'), path.join(dir, '.env'));
    const dev = await DevConsole.start({ cwd: dir });
    try {
      await dev.ready();
      expect(dev.output).toMatch(/Not used: +PUBLIC_BASE_URL/);

      let at = dev.type('help');
      const help = (await dev.waitFor(/Commands[\s\S]*quit/, at))[0];
      for (const command of [
        'click <n>',
        'set <n>',
        'submit',
        'close',
        'home',
        'help',
        'say <text>',
        'mail <subject>',
      ])
        expect(help).toContain(command);

      at = dev.type('/ai-email-connect');
      const startUrl = (
        await dev.waitFor(/(http:\/\/127\.0\.0\.1:\d+\/oauth\/google\/start\?pairing=[\w-]+)/, at)
      )[1]!;
      const code = (await dev.waitFor(/code:? ([A-Z0-9]{6})\b/, at))[1]!;
      expect(dev.output.slice(at)).toMatch(/\[\d+\] Begin connection/);
      at = dev.output.length;
      await connectInBrowser(startUrl, code);
      await dev.waitFor(/\[slack\] new message \(DM from the app\)/, at);

      at = dev.type('home');
      await dev.waitFor(/\[slack\] App Home\n/, at);
      expect(dev.output.slice(at)).toMatch(/you@example\.com/);

      at = dev.type('say please email Bob the numbers');
      const ts = (await dev.waitFor(/posted in #general with ts (\d+\.\d+)/, at))[1];
      // The banner names the key by a prefix and the file that holds it, never the whole key.
      const [, prefix, file] = /AGENT_API_KEY (\w+)… \(the whole key is in (\S+)\)/.exec(dev.output)!;
      const key = (JSON.parse(readFileSync(file!, 'utf8')) as { AGENT_API_KEY: string }).AGENT_API_KEY;
      expect(key.startsWith(prefix!)).toBe(true);
      expect(dev.output).not.toContain(key);
      at = dev.output.length;
      const staged = await fetch(`${dev.baseUrl}/api/tools/send-email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          trigger_message_ts: ts,
          to: ['bob@example.com'],
          subject: 'Quarterly numbers',
          body: 'Hi _Bob_ & <@U123>',
        }),
      });
      expect(staged.status).toBe(202);
      const edit = (await dev.waitFor(/\[(\d+)\] Edit\b/, at))[1];
      expect(dev.output.slice(at)).toMatch(/Quarterly numbers/);
      // The body is plain_text: the console shows it as Slack does, exactly as it will be sent.
      expect(dev.output.slice(at)).toContain('Hi _Bob_ & <@U123>');

      at = dev.type(`click ${edit}`);
      await dev.waitFor(/\[slack\] Modal: Edit email +\(submit: Save · close: Cancel\)/, at);
      const subject = (await dev.waitFor(/\{(\d+)\} Subject/, at))[1];
      at = dev.type(`set ${subject} Numbers for Q3`);
      await dev.waitFor(/Subject = "Numbers for Q3"/, at);
      at = dev.type('submit');
      await dev.waitFor(/the modal closed/, at);
      const [, send, editAgain] = await dev.waitFor(
        /Numbers for Q3[\s\S]*?\[(\d+)\] Send\b.*\[(\d+)\] Edit/,
        at,
      );

      at = dev.type(`click ${editAgain}`);
      await dev.waitFor(/\[slack\] Modal: Edit email/, at);
      at = dev.type('close');
      await dev.waitFor(/the modal closed/, at);

      at = dev.type(`click ${send}`);
      await dev.waitFor(/Sent to bob@example\.com/, at);
    } finally {
      await dev.stop();
    }
  });

  it('when the port or the metrics port is already in use, then it names the variable to change and exits', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const dev = await DevConsole.start({ port, command: ['npm', 'run', 'dev'] });
    try {
      expect(await dev.exited).toBe(1);
      expect(dev.output).toContain(`Port ${port} is already in use`);
      expect(dev.output).toContain(`Set PORT to a free port, e.g. PORT=${port + 1} npm run dev`);
    } finally {
      await dev.stop();
    }
    const metrics = await DevConsole.start({ env: { METRICS_PORT: String(port) } });
    try {
      expect(await metrics.exited).toBe(1);
      expect(metrics.output).toContain(
        `Set METRICS_PORT to a free port, e.g. METRICS_PORT=${port + 1} npm run dev`,
      );
    } finally {
      taken.close();
      await metrics.stop();
    }
  });
});
