import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { PG_ADMIN_URL, uniqueRedisPrefix } from '../helpers/database';
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
