import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { startStack, type Stack } from '../helpers/stack';
import { connectUser, slashReply } from '../helpers/connect-flow';

const ROOT = path.resolve(__dirname, '../..');

describe('encryption key rotation', () => {
  let stack: Stack;
  let db: Client;

  beforeAll(async () => {
    stack = await startStack();
    db = new Client({ connectionString: stack.db.url });
    await db.connect();
    for (const [userId, email] of [
      ['U1ROT', 'one@example.com'],
      ['U2ROT', 'two@example.com'],
    ]) {
      stack.slack.addUser({ id: userId!, name: userId!.toLowerCase() });
      await connectUser(stack, { userId: userId!, email: email! });
    }
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  const rotate = () => {
    const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'src/cli/rotate-keys.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...stack.env },
      encoding: 'utf8',
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };
  const versions = async () =>
    (await db.query('SELECT user_id, key_version FROM gmail_connections ORDER BY user_id')).rows.map(
      (r) => `${r.user_id}:${r.key_version}`,
    );
  const statusText = (userId: string) => slashReply(stack, userId, '/ai-email-status');
  const restartWith = async (env: Record<string, string>) => {
    await stack.server.stop('SIGTERM');
    for (const key of Object.keys(env)) if (env[key] === '') delete stack.env[key];
    await stack.restart(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  };

  it('when the key changes, then old secrets stay readable, the CLI re-seals them all, and reruns are no-ops', async () => {
    const oldKey = stack.env.GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY!;
    const newKey = randomBytes(32).toString('base64');
    await restartWith({
      GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: newKey,
      GMAIL_OAUTH_TOKEN_KEY_VERSION: 'v2',
      GMAIL_OAUTH_PREVIOUS_KEYS: `v1:${oldKey}`,
    });
    expect(await statusText('U1ROT')).toMatch(/Connected as \*one@example.com\*/);

    const first = rotate();
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/gmail_connections.sealed_token: 2 re-sealed to v2/);
    expect(await versions()).toEqual(['U1ROT:v2', 'U2ROT:v2']);
    const second = rotate();
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/gmail_connections.sealed_token: 0 re-sealed/);

    await restartWith({ GMAIL_OAUTH_PREVIOUS_KEYS: '' });
    expect(await statusText('U1ROT')).toMatch(/Connected as \*one@example.com\*/);
    expect(await statusText('U2ROT')).toMatch(/Connected as \*two@example.com\*/);
  });

  it('when one row has an unknown key version or a tampered ciphertext, then only that connection fails, clearly', async () => {
    await db.query("UPDATE gmail_connections SET key_version = 'v9' WHERE user_id = 'U2ROT'");
    await stack.server.stop('SIGTERM');
    await stack.restart();
    expect(await statusText('U2ROT')).toMatch(/stored credentials cannot be read/);
    expect(await statusText('U1ROT')).toMatch(/Connected as \*one@example.com\*/);
    const report = rotate();
    expect(report.code).toBe(2);
    expect(report.err).toMatch(
      /gmail_connections [0-9a-f-]{36}: no encryption key is configured for version "v9"/,
    );

    await db.query(
      "UPDATE gmail_connections SET key_version = 'v2', sealed_token = overlay(sealed_token placing '\\x00'::bytea from 20 for 1) WHERE user_id = 'U2ROT'",
    );
    await stack.server.stop('SIGTERM');
    await stack.restart();
    expect(await statusText('U2ROT')).toMatch(/stored credentials cannot be read/);
    expect(await statusText('U1ROT')).toMatch(/Connected as/);
    // The answer and the log line travel on different pipes: wait for the line rather than read it at once.
    await expect(
      stack.server.waitForLog(
        (l) => /status check failed/.test(l.msg ?? '') && l.code === 'sealed_data_tampered',
      ),
    ).resolves.toBeTruthy();
  });
});
