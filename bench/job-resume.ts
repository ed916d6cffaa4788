/**
 * How long a killed machine's job waits before another machine resumes it: a notification job is held in
 * Slack (an emulator delay that never lands), a second server process is started, the holder is killed
 * (SIGKILL), and the time until the other process takes the job up again is measured (its `processedOn`
 * is set anew). The bound is the job lock plus the stalled-check interval (src/platform/queue-settings.ts).
 * Run: npx tsx bench/job-resume.ts [rounds]
 */
import { enabledUser, openHarness, syncIdle } from '../test/helpers/notify-harness';
import { freePort, startServerProcess, type ServerProcess } from '../test/helpers/server-process';
import { eventually, PUSH_SERVICE_ACCOUNT, startStack } from '../test/helpers/stack';

const rounds = Number(process.argv[2] ?? 5);

async function main() {
  const stack = await startStack({ env: { LOG_LEVEL: 'warn', HTTP_TIMEOUT_MS: '30000' } });
  const h = await openHarness(stack);
  let holder: ServerProcess = stack.server;
  const standbys: ServerProcess[] = [];
  const waits: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      // Pushes go to the live process; the audience stays the configured one.
      const pushTo = (autoPush: boolean) =>
        stack.google.configurePush({
          endpoint: `${holder.url}/pubsub/gmail`,
          audience: `${stack.baseUrl}/pubsub/gmail`,
          serviceAccountEmail: PUSH_SERVICE_ACCOUNT,
          autoPush,
        });
      pushTo(true);
      const user = await enabledUser(stack, h, { userId: `URESUME${i}`, email: `resume${i}@example.com` });
      pushTo(false);
      const posts = () => stack.slack.calls.filter((c) => c.method === 'chat.postMessage').length;
      const before = posts();
      stack.slack.fail('chat.postMessage', { delayMs: 120_000, status: 500 });
      stack.google.deliver(user.email, { from: 'resume@example.org', subject: `round ${i}` });
      if ((await stack.google.push(user.email)).status !== 204) throw new Error('push refused');
      await eventually(() => posts() === before + 1, 20_000, 10);
      const [held] = (await h.queue.getJobs(['active'])).filter((j) => j.name === 'sync');
      if (!held?.id) throw new Error('no active sync job');

      const standby = await startServerProcess({
        ...stack.env,
        PORT: String(await freePort()),
        METRICS_PORT: String(await freePort()),
      });
      standbys.push(standby);
      const killedAt = Date.now();
      await holder.stop('SIGKILL');
      const resumedOn = await eventually(
        async () => {
          const job = await h.queue.getJob(held.id!);
          return job?.processedOn && job.processedOn > killedAt ? job.processedOn : undefined;
        },
        60_000,
        20,
      );
      waits.push((resumedOn - killedAt) / 1000);
      console.log(`round ${i + 1}: resumed ${waits.at(-1)!.toFixed(1)} s after SIGKILL`);
      holder = standby;
      // The resumed job announces once the held attempt can no longer land (HTTP_TIMEOUT_MS).
      await syncIdle(h, 120_000);
    }
    const sorted = [...waits].sort((a, b) => a - b);
    console.log(
      `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} s, max ${sorted.at(-1)!.toFixed(1)} s over ${rounds} rounds`,
    );
  } finally {
    for (const s of standbys) await s.stop('SIGTERM');
    await h.close();
    await stack.close();
  }
}

void main();
