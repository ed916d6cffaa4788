/**
 * Pub/Sub push webhook under load, against the compiled server (`npm run build` first): how many
 * pushes per second it answers when Pub/Sub reuses one token, and the CPU profile of the run.
 * Run: npx tsx bench/push-webhook.ts [pushes] [concurrency] [profileDir]
 * The server runs with V8's CPU profiler, started by `lib/cpu-profiler.cjs` through `--require` (Node
 * refuses `--cpu-prof` in NODE_OPTIONS); its .cpuprofile is written to profileDir on exit.
 */
import path from 'node:path';
import { startCompiled, withStack } from './lib/compiled';
import { closedLoop, pushBody, pushPoster } from './lib/load';

const pushes = Number(process.argv[2] ?? 3000);
const concurrency = Number(process.argv[3] ?? 20);
const profileDir = process.argv[4] ?? '/tmp/push-profile';
/** Pushes per second the webhook should sustain on one core with a reused token. */
const GOAL_PER_S = 500;

async function main() {
  await withStack({ realFlow: 1 }, async (stack, [user]) => {
    await startCompiled(stack, {
      NODE_OPTIONS: `--require ${path.join(__dirname, 'lib/cpu-profiler.cjs')}`,
      BENCH_CPU_PROFILE_DIR: path.resolve(profileDir),
    });
    const push = pushPoster(stack, concurrency);
    const { perS, statuses } = await closedLoop(pushes, concurrency, () =>
      push.post(pushBody(user!.email, 1)),
    );
    await push.close();
    console.log(`answers: ${JSON.stringify(statuses)}`);
    console.log(`figure: pushes/s, one reused token, ${concurrency} in flight`);
    console.log(`value: ${perS.toFixed(0)}  goal: >= ${GOAL_PER_S}`);
    await stack.server.stop('SIGTERM');
    console.log(`profile written to ${profileDir}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
