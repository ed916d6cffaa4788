/** Send click → Slack "Sent" p99 against the compiled server (see bench/lib/send-clicks.ts). */
import { percentile, slackSocketUp, startCompiled, withStack, type Row } from '../lib/compiled';
import { measureSendClicks, SEND_BENCH_ENV } from '../lib/send-clicks';
import { SIZES } from '../sizes';

export async function sendPart(): Promise<Row[]> {
  const { clicks, warmUp } = SIZES.send;
  return withStack({ env: SEND_BENCH_ENV }, async (stack) => {
    await startCompiled(stack);
    await slackSocketUp(stack.server.url);
    // The first clicks warm the server up (JIT, connection pools); they are not counted.
    const times = await measureSendClicks(stack, warmUp + clicks);
    const sent = times.slackSent.slice(warmUp);
    const p99 = percentile(sent, 99);
    return [
      {
        figure: `Send click → Slack "Sent" p99 (${clicks} clicks one at a time, after ${warmUp})`,
        value: `${p99.toFixed(0)} ms (p50 ${percentile(sent, 50).toFixed(0)} ms)`,
        goal: '≤ 150 ms',
        met: p99 <= 150,
      },
    ];
  });
}
