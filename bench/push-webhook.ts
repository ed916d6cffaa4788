/**
 * Pub/Sub push webhook under load, against the compiled server (`npm run build` first): how many
 * pushes per second it answers when Pub/Sub reuses one token, and the CPU profile of the run.
 * Run: npx tsx bench/push-webhook.ts [pushes] [concurrency] [profileDir]
 * The server runs with `node --cpu-prof`; its .cpuprofile is written to profileDir on exit.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startStack } from '../test/helpers/stack';
import { enabledUser, openHarness } from '../test/helpers/notify-harness';

const pushes = Number(process.argv[2] ?? 3000);
const concurrency = Number(process.argv[3] ?? 20);
const profileDir = process.argv[4] ?? '/tmp/push-profile';
/** Pushes per second the webhook should sustain on one core with a reused token. */
const GOAL_PER_S = 500;

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('compiled server did not become ready');
}

async function main() {
  const stack = await startStack({ env: { LOG_LEVEL: 'warn' } });
  const h = await openHarness(stack);
  try {
    const user = await enabledUser(stack, h, { userId: 'UPUSHBENCH', email: 'push-bench@example.com' });
    await stack.server.stop();
    const root = path.resolve(__dirname, '..');
    const child = spawn(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, path.join(root, 'dist/src/server.js')],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...stack.env, LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((r) => child.once('exit', r));
    await waitReady(stack.baseUrl);

    const token = stack.google.signPushToken();
    const body = (n: number) =>
      JSON.stringify({
        message: {
          data: Buffer.from(JSON.stringify({ emailAddress: user.email, historyId: 1 })).toString('base64'),
          messageId: `bench-${n}`,
          publishTime: new Date().toISOString(),
        },
        subscription: 'projects/mailbridge-test/subscriptions/gmail-push',
      });
    const statuses: Record<number, number> = {};
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < pushes) {
          const n = next++;
          const res = await fetch(`${stack.baseUrl}/pubsub/gmail`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: body(n),
          });
          await res.text();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        }
      }),
    );
    const perS = pushes / ((performance.now() - t0) / 1000);
    console.log(`answers: ${JSON.stringify(statuses)}`);
    console.log(`figure: pushes/s, one reused token, ${concurrency} in flight`);
    console.log(`value: ${perS.toFixed(0)}  goal: >= ${GOAL_PER_S}`);
    child.kill('SIGTERM');
    await exited;
    console.log(`profile written to ${profileDir}`);
  } finally {
    await h.close();
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
