/**
 * The compiled server (`node dist/src/server.js`, NODE_ENV=production) against the emulators, and
 * what the benchmarks read from outside its process: readiness time, CPU time and RSS from /proc.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startStack, type Stack } from '../../test/helpers/stack';
import { startServerProcess, type ServerProcess } from '../../test/helpers/server-process';
import { connectThroughFlow, type BenchMailbox } from './mailboxes';

export const ROOT = path.resolve(__dirname, '../..');
export const COMPILED_ENTRY = path.join(ROOT, 'dist/src/server.js');
/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on Linux). */
const CLK_TCK = 100;

export function assertBuilt(): void {
  if (!fs.existsSync(COMPILED_ENTRY)) {
    console.error(`${path.relative(ROOT, COMPILED_ENTRY)} is missing: run \`npm run build\` first.`);
    process.exit(2);
  }
}

export interface Started {
  server: ServerProcess;
  /** Milliseconds from spawn to the first /readyz 200. */
  readyMs: number;
}

/** Spawns the compiled server on the stack's port and configuration; waits for /readyz 200. */
/**
 * With BENCH_CPU_PROFILE_DIR set, the server runs with V8's CPU profiler (`lib/cpu-profiler.cjs`,
 * preloaded through NODE_OPTIONS, where `--cpu-prof` is refused) and writes `<pid>.cpuprofile` there.
 */
const profilerEnv = (): Record<string, string> => {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  if (!dir) return {};
  return {
    NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profiler.cjs')}`,
    BENCH_CPU_PROFILE_DIR: path.resolve(dir),
  };
};

export async function startCompiled(stack: Stack, extraEnv: Record<string, string> = {}): Promise<Started> {
  const t0 = performance.now();
  const server = await startServerProcess(
    { ...stack.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...profilerEnv(), ...extraEnv },
    { compiled: true, waitReady: false },
  );
  stack.server = server;
  await waitReady(server, 120_000);
  return { server, readyMs: performance.now() - t0 };
}

export async function waitReady(server: ServerProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server exited during start-up\n${server.stderr.join('')}`);
    const ok = await fetch(`${server.url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(10);
  }
  throw new Error(`server not ready within ${timeoutMs} ms\n${server.stderr.join('')}`);
}

/** Readiness does not wait for the Slack socket; a click does. */
export async function slackSocketUp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    const body = (await res?.json().catch(() => undefined)) as { checks?: { slack?: string } } | undefined;
    if (body?.checks?.slack === 'up') return;
    await sleep(50);
  }
  throw new Error('the Slack socket did not come up');
}

/** User + system CPU time the process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Runs `body` with a stack and closes it (and its server) afterwards, whatever happens. */
export async function withStack<T>(
  opts: { env?: Record<string, string>; realFlow?: number },
  body: (s: Stack, flow: BenchMailbox[]) => Promise<T>,
): Promise<T> {
  const stack = await startStack({ env: { LOG_LEVEL: 'warn', ...opts.env } });
  try {
    const flow = await connectThroughFlow(stack, opts.realFlow ?? 0);
    // The development server makes way for the compiled one on the same port.
    await stack.server.stop();
    return await body(stack, flow);
  } finally {
    await stack.close();
  }
}

/** One line of the printed table. */
export interface Row {
  figure: string;
  value: string;
  goal: string;
  met: boolean;
}
