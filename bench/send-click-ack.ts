/**
 * Click-to-ack and click-to-sent latency of the confirm-to-send path, against the emulators and a
 * real Postgres/Redis. Figures, not assertions: `npx tsx bench/send-click-ack.ts [clicks]`.
 */
import { startStack, eventually } from '../test/helpers/stack';
import { seedConnection } from '../test/helpers/connect';
import { SEND_ACTION, callTool, postTrigger, waitForPreview } from '../test/helpers/send-flow';

const CHANNEL = 'C0BENCH';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function main() {
  const clicks = Number(process.argv[2] ?? 30);
  const stack = await startStack({
    env: { LOG_LEVEL: 'warn', GMAIL_SEND_USER_HOURLY_LIMIT: '1000', GMAIL_SEND_USER_DAILY_LIMIT: '1000' },
  });
  try {
    const userId = 'U0BENCH';
    const email = 'bench@example.com';
    await seedConnection(stack, { userId, email });
    const ack: number[] = [];
    const sent: number[] = [];
    for (let i = 0; i < clicks; i++) {
      const ts = await postTrigger(stack, { userId, channelId: CHANNEL });
      const since = stack.slack.messages.length;
      await callTool(stack, {
        trigger_message_ts: ts,
        to: 'bob@example.com',
        subject: `Bench ${i}`,
        body: 'x',
      });
      const { buttons } = await waitForPreview(stack, userId, since);
      const start = performance.now();
      await stack.slack.blockAction({
        userId,
        actionId: SEND_ACTION,
        value: buttons.send,
        channelId: CHANNEL,
      });
      ack.push(performance.now() - start);
      await eventually(() => stack.google.sent(email).length === i + 1, 30_000, 5);
      sent.push(performance.now() - start);
    }
    const row = (name: string, v: number[]) =>
      console.log(
        `${name.padEnd(15)} p50 ${percentile(v, 50).toFixed(1)} ms  p95 ${percentile(v, 95).toFixed(1)} ms  max ${Math.max(...v).toFixed(1)} ms`,
      );
    console.log(`${clicks} Send clicks, one at a time`);
    row('click → ack', ack);
    row('click → sent', sent);
  } finally {
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
