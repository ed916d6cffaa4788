import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export interface ServerProcess {
  url: string;
  port: number;
  /** The metrics listener's /metrics (a port of its own, never the main one). */
  metricsUrl: string;
  child: ChildProcess;
  logs: LogLine[];
  stderr: string[];
  /** Resolves with the exit code (or signal) once the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Ports this process handed out: the kernel may give a closed probe's port again at once. */
const handedOut = new Set<number>();

/** A free port on 127.0.0.1 not handed out before by this process (PORT and METRICS_PORT must differ). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await probePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function probePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs src/server.ts in a child process exactly as `npm start` runs the compiled server: configured
 * by environment variables only. TypeScript is loaded through tsx so no build step is needed.
 */
export async function startServerProcess(
  env: Record<string, string>,
  opts: { waitReady?: boolean; timeoutMs?: number; compiled?: boolean } = {},
): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const metricsPort = env.METRICS_PORT ? Number(env.METRICS_PORT) : await freePort();
  // `compiled`: the built dist/src/server.js (`npm run build` first), as production runs it.
  const entry = opts.compiled
    ? [path.join(ROOT, 'dist/src/server.js')]
    : ['--require', 'tsx/cjs', path.join(ROOT, 'src/server.ts')];
  const child = spawn(process.execPath, entry, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      ...env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ level: 30, msg: line });
      }
    }
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  let done = false;
  void exited.then(() => (done = true));

  const waitForLog = (pred: (l: LogLine) => boolean, timeoutMs = 20_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const hit = logs.find(pred);
        if (hit) {
          cleanup();
          resolve(hit);
        } else if (done) {
          cleanup();
          reject(new Error(`server exited before the expected log line\n${stderr.join('')}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for a log line\n${stderr.join('')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const server: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    child,
    logs,
    stderr,
    exited,
    waitForLog,
    async stop(signal = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
  if (opts.waitReady !== false) {
    try {
      await waitUntilReady(server, opts.timeoutMs ?? 60_000, () => done);
    } catch (err) {
      await server.stop('SIGKILL');
      throw err;
    }
  }
  return server;
}

/**
 * Ready for a test: /readyz answers 200 (Postgres and Redis, what Fly's check means) and reports the Slack
 * socket up, which readiness itself does not require.
 */
async function waitUntilReady(
  server: ServerProcess,
  timeoutMs: number,
  exited: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`server exited during start-up\n${server.stderr.join('')}`);
    const ready = await fetch(`${server.url}/readyz`).then(
      async (r) =>
        r.status === 200 && ((await r.json()) as { checks: { slack: string } }).checks.slack === 'up',
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready within ${timeoutMs} ms\n${server.stderr.join('')}`);
}
