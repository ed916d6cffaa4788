import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { PG_ADMIN_URL, uniqueRedisPrefix } from './database';
import { freePort } from './server-process';
import { deleteRedisPrefix, eventually } from './stack';

export const ROOT = path.resolve(__dirname, '../..');

/**
 * `scripts/dev.ts` run as a person runs it (through tsx, from `cwd`, whose `.env` it reads), on a port,
 * database and Redis prefix of its own, driven over stdin; everything it prints is collected.
 */
export class DevConsole {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly dbName: string,
    private readonly prefix: string,
    opts: { cwd: string; command?: string[]; env?: Record<string, string> },
  ) {
    const dbUrl = new URL(PG_ADMIN_URL);
    dbUrl.pathname = `/${dbName}`;
    const [cmd, ...args] = opts.command ?? [
      path.join(ROOT, 'node_modules/.bin/tsx'),
      path.join(ROOT, 'scripts/dev.ts'),
    ];
    this.child = spawn(cmd!, args, {
      cwd: opts.cwd,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATABASE_URL: dbUrl.toString(),
        REDIS_KEY_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        ...opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout!.on('data', (c) => (this.output += String(c)));
    this.child.stderr!.on('data', (c) => (this.output += String(c)));
    this.exited = new Promise((resolve) => this.child.once('exit', resolve));
  }

  static async start(
    opts: { cwd?: string; command?: string[]; env?: Record<string, string>; port?: number } = {},
  ) {
    const port = opts.port ?? (await freePort());
    return new DevConsole(port, `mailbridge_devtest_${port}`, uniqueRedisPrefix(), {
      cwd: opts.cwd ?? ROOT,
      ...opts,
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Types a line into the console; returns the output length before it, for `waitFor(…, since)`. */
  type(line: string): number {
    const since = this.output.length;
    this.child.stdin!.write(`${line}\n`);
    return since;
  }

  /** The first match of `pattern` printed after output index `since`. */
  async waitFor(pattern: RegExp, since = 0, timeoutMs = 30_000): Promise<RegExpExecArray> {
    return eventually(() => pattern.exec(this.output.slice(since)) ?? undefined, timeoutMs, 50).catch(() => {
      throw new Error(`dev console never printed ${pattern} after ${since}; output:\n${this.output}`);
    });
  }

  /** Resolves once the stack answers ready with the Slack socket up and the console has printed its banner. */
  async ready(): Promise<void> {
    await this.waitFor(/running against local Slack and Google emulators/, 0, 90_000);
    await eventually(
      async () => {
        const res = await fetch(`${this.baseUrl}/readyz`);
        const body = res.status === 200 ? ((await res.json()) as { checks: { slack: string } }) : undefined;
        return body?.checks.slack === 'up';
      },
      60_000,
      250,
    );
  }

  /** Stops the whole process group (console, emulators, server) and removes its database and keys. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null)
      process.kill(-this.child.pid!, 'SIGINT');
    await this.exited;
    await deleteRedisPrefix(this.prefix);
    const admin = new Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${this.dbName}" WITH (FORCE)`);
    await admin.end();
  }
}
