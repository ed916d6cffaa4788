/**
 * Load generation: Pub/Sub push requests as Google sends them (one token reused, as Pub/Sub does for
 * about an hour), closed-loop (as fast as answered) or open-loop (at a fixed rate), and a bare
 * Fastify route to compare the webhook with.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Pool } from 'undici';
import type { Stack } from '../../test/helpers/stack';
import { ROOT, sleep } from './compiled';

export const PUSH_PATH = '/pubsub/gmail';
const SUBSCRIPTION = 'projects/mailbridge-test/subscriptions/gmail-push';

let pushSerial = 0;

export function pushBody(email: string, historyId: string | number): string {
  pushSerial += 1;
  return JSON.stringify({
    message: {
      data: Buffer.from(JSON.stringify({ emailAddress: email, historyId: Number(historyId) })).toString(
        'base64',
      ),
      messageId: `bench-${process.pid}-${pushSerial}`,
      publishTime: new Date().toISOString(),
    },
    subscription: SUBSCRIPTION,
  });
}

export interface Poster {
  /** POSTs a body; resolves with the status and the milliseconds to the whole answer. */
  post(body: string): Promise<{ status: number; ms: number }>;
  close(): Promise<void>;
}

export function poster(origin: string, token: string, connections = 64): Poster {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    async post(body) {
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path: PUSH_PATH, headers, body });
        await res.body.dump();
        return { status: res.statusCode, ms: performance.now() - t0 };
      } catch {
        return { status: 0, ms: performance.now() - t0 };
      }
    },
    close: () => pool.close(),
  };
}

export const pushPoster = (stack: Stack, connections?: number) =>
  poster(stack.baseUrl, stack.google.signPushToken(), connections);

/** `count` requests, `concurrency` at a time; returns requests per second and the answers' statuses. */
export async function closedLoop(
  count: number,
  concurrency: number,
  send: (i: number) => Promise<{ status: number }>,
): Promise<{ perS: number; statuses: Record<number, number> }> {
  const statuses: Record<number, number> = {};
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const { status } = await send(next++);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  return { perS: count / ((performance.now() - t0) / 1000), statuses };
}

/** `perS` requests a second for `seconds`, each started on schedule whether or not earlier ones ended. */
export async function openLoop<T>(
  perS: number,
  seconds: number,
  send: (i: number) => Promise<T>,
): Promise<T[]> {
  const total = Math.round(perS * seconds);
  const started: Promise<T>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / perS;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    started.push(send(i));
  }
  return Promise.all(started);
}

const BARE_SERVER = `
const app = require('fastify')({ logger: false });
app.post('${PUSH_PATH}', async (_req, reply) => reply.code(204).send());
app.listen({ host: '127.0.0.1', port: 0 }).then(() => console.log(app.server.address().port));
`;

/** A bare Fastify app with one POST route answering 204, in a process of its own like the server. */
export async function startBareRoute(): Promise<{ origin: string; pid: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', BARE_SERVER], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (d: string) => resolve(d.trim()));
    child.once('exit', () => reject(new Error('bare Fastify route did not start')));
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
