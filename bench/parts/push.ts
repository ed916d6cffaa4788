/**
 * Push webhook: throughput against a bare Fastify 204 route in the same run, ack p99 at half the
 * measured maximum, and the server's CPU per acknowledged push including the sync it causes.
 */
import { openHarness, syncIdle } from '../../test/helpers/notify-harness';
import { cpuMs, percentile, startCompiled, withStack, type Row } from '../lib/compiled';
import { closedLoop, openLoop, poster, pushBody, pushPoster, startBareRoute } from '../lib/load';
import { insertMailboxes } from '../lib/mailboxes';
import { SIZES } from '../sizes';

export async function pushPart(): Promise<Row[]> {
  const { mailboxes: n, pushes, concurrency, halfLoadSeconds } = SIZES.push;
  return withStack({ realFlow: SIZES.realFlow }, async (stack, flow) => {
    const boxes = [...flow, ...(await insertMailboxes(stack, n - flow.length, { watchDue: false }))];
    const { server } = await startCompiled(stack);
    const pid = server.child.pid!;
    const h = await openHarness(stack);
    const push = pushPoster(stack, concurrency);
    const body = (i: number) => {
      const email = boxes[i % boxes.length]!.email;
      return pushBody(email, stack.google.historyId(email));
    };
    const bare = await startBareRoute();
    const bareClient = poster(bare.origin, 'unused', concurrency);
    try {
      // Warm-up of both (JIT, connection pools, the token cache), then the measured runs.
      await closedLoop(pushes / 10, concurrency, (i) => bareClient.post(body(i)));
      const bareRun = await closedLoop(pushes * 5, concurrency, (i) => bareClient.post(body(i)));
      await closedLoop(pushes / 10, concurrency, (i) => push.post(body(i)));
      await syncIdle(h, 120_000);
      const cpu0 = cpuMs(pid);
      const pushRun = await closedLoop(pushes, concurrency, (i) => push.post(body(i)));
      await syncIdle(h, 120_000);
      const cpuPerPush = (cpuMs(pid) - cpu0) / pushes;
      const ratio = pushRun.perS / bareRun.perS;
      console.log(
        `  push answers ${JSON.stringify(pushRun.statuses)}; bare ${JSON.stringify(bareRun.statuses)}`,
      );

      const half = pushRun.perS / 2;
      const answers = await openLoop(half, halfLoadSeconds, (i) => push.post(body(i)));
      const p99 = percentile(
        answers.map((a) => a.ms),
        99,
      );
      const refused = answers.filter((a) => a.status !== 204).length;
      await syncIdle(h, 120_000);
      return [
        {
          figure: 'push webhook throughput vs bare Fastify 204 route',
          value: `${pushRun.perS.toFixed(0)} vs ${bareRun.perS.toFixed(0)} rps (${ratio.toFixed(2)})`,
          goal: '≥ 0.40',
          met: ratio >= 0.4 && (pushRun.statuses[204] ?? 0) === pushes,
        },
        {
          figure: `push ack p99 at half of max load (${half.toFixed(0)}/s)`,
          value: `${p99.toFixed(1)} ms${refused ? ` (${refused} not 204)` : ''}`,
          goal: '≤ 25 ms',
          met: p99 <= 25 && refused === 0,
        },
        {
          figure: 'server CPU per push acknowledged (incl. its sync)',
          value: `${cpuPerPush.toFixed(2)} ms`,
          goal: '≤ 0.5 ms',
          met: cpuPerPush <= 0.5,
        },
      ];
    } finally {
      await Promise.all([push.close(), bareClient.close()]);
      await bare.stop();
      await h.close();
    }
  });
}
