/**
 * Foundation figures: Socket Mode round trips and trigger recording against the real server and emulators.
 * Run: npx tsx bench/foundation.ts [iterations]
 */
import { readFileSync } from 'node:fs';
import { startStack } from '../test/helpers/stack';

const iterations = Number(process.argv[2] ?? 300);

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);
  return `p50 ${at(50)} ms, p95 ${at(95)} ms, p99 ${at(99)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
}

function rssMb(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return `${(kb / 1024).toFixed(0)} MB`;
}

async function main() {
  const started = performance.now();
  const stack = await startStack({ env: { LOG_LEVEL: 'warn' } });
  console.log(
    `server ready in ${(performance.now() - started).toFixed(0)} ms (incl. database, emulators); RSS ${rssMb(stack.server.child.pid!)}`,
  );
  try {
    const acks: number[] = [];
    const replies: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const before = stack.slack.messages.length;
      const t0 = performance.now();
      await stack.slack.slashCommand({
        command: '/ai-email-status',
        userId: `UBENCH${i % 20}`,
        channelId: 'C0BENCH',
      });
      acks.push(performance.now() - t0);
      await stack.slack.waitForMessage(
        (m) => stack.slack.messages.indexOf(m) >= before && m.kind === 'response_url',
      );
      replies.push(performance.now() - t0);
    }
    console.log(`slash command ack   (${iterations}): ${percentiles(acks)}`);
    console.log(`slash command reply (${iterations}): ${percentiles(replies)}`);

    const events: number[] = [];
    const t1 = performance.now();
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      await stack.slack.event({
        type: 'message',
        channel: 'C0BENCH',
        user: 'UBENCH',
        text: 'x',
        ts: `1800000000.${String(i).padStart(6, '0')}`,
      });
      events.push(performance.now() - t0);
    }
    const seconds = (performance.now() - t1) / 1000;
    console.log(
      `message event recorded + acked (${iterations}): ${percentiles(events)}; ${(iterations / seconds).toFixed(0)} events/s sequential`,
    );
    console.log(`server RSS after load: ${rssMb(stack.server.child.pid!)}`);
  } finally {
    await stack.close();
  }
}

void main();
