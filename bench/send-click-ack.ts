/**
 * Click-to-ack and click-to-sent latency of the confirm-to-send path, against the emulators and a
 * real Postgres/Redis. Figures, not assertions: `npx tsx bench/send-click-ack.ts [clicks]`.
 * (`npm run bench -- send` measures the same against the compiled server.)
 */
import { startStack } from '../test/helpers/stack';
import { percentile } from './lib/compiled';
import { measureSendClicks, SEND_BENCH_ENV } from './lib/send-clicks';

async function main() {
  const clicks = Number(process.argv[2] ?? 30);
  const stack = await startStack({ env: { LOG_LEVEL: 'warn', ...SEND_BENCH_ENV } });
  try {
    const times = await measureSendClicks(stack, clicks);
    const row = (name: string, v: number[]) =>
      console.log(
        `${name.padEnd(20)} p50 ${percentile(v, 50).toFixed(1)} ms  p95 ${percentile(v, 95).toFixed(1)} ms  max ${Math.max(...v).toFixed(1)} ms`,
      );
    console.log(`${clicks} Send clicks, one at a time`);
    row('click → ack', times.ack);
    row('click → Slack "Sent"', times.slackSent);
    row('click → sent', times.gmailSent);
  } finally {
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
