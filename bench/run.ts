/**
 * `npm run bench [-- <part> ...]`: each part starts Postgres/Redis state, the emulators and the
 * compiled server (`npm run build` first), measures its rows of the performance table, and the
 * table is printed at the end: figure, value, goal, met or missed.
 */
import os from 'node:os';
import { assertBuilt, type Row } from './lib/compiled';
import { dmPart } from './parts/dm';
import { pushPart } from './parts/push';
import { renewalPart } from './parts/renewal';
import { sendPart } from './parts/send';
import { memoryPart, startPart } from './parts/start';
import { SIZES } from './sizes';

const PARTS: Record<string, { about: string; run: () => Promise<Row[]> }> = {
  start: { about: 'cold start → /readyz 200 (1,000 mailboxes, none due)', run: startPart },
  memory: { about: 'idle RSS of the compiled server', run: memoryPart },
  push: {
    about: 'push webhook throughput vs a bare Fastify route, ack p99 at half load, CPU per push',
    run: pushPart,
  },
  dm: {
    about: 'push → Slack DM latency at 100/s over 1,000 mailboxes, CPU per DM, lost/duplicated',
    run: dmPart,
  },
  send: { about: 'Send click → Slack "Sent" p99', run: sendPart },
  renewal: {
    about: 'users.watch peak per second and duration of a 10,000-mailbox renewal; start-up with them due',
    run: renewalPart,
  },
};

function help(): void {
  console.log('Usage: npm run bench [-- <part> ...]   (no part: all of them, in this order)\n');
  for (const [name, p] of Object.entries(PARTS)) console.log(`  ${name.padEnd(8)} ${p.about}`);
  console.log('\nThe compiled server must exist: run `npm run build` first.');
}

function table(rows: Row[]): string {
  const head = ['figure', 'value', 'goal', 'result'];
  const cells = rows.map((r) => [r.figure, r.value, r.goal, r.met ? 'met' : 'missed']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) return help();
  const unknown = args.filter((a) => !(a in PARTS));
  if (unknown.length) {
    console.error(`unknown part: ${unknown.join(', ')}`);
    help();
    process.exitCode = 2;
    return;
  }
  assertBuilt();
  const chosen = args.length ? args : Object.keys(PARTS);
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `sizes: ${JSON.stringify(Object.fromEntries(chosen.map((c) => [c, SIZES[c as keyof typeof SIZES]])))}`,
  );
  const rows: Row[] = [];
  const t0 = performance.now();
  for (const name of chosen) {
    const started = performance.now();
    console.log(`\n${name}: ${PARTS[name]!.about}`);
    try {
      const got = await PARTS[name]!.run();
      for (const r of got)
        console.log(`  ${r.figure}: ${r.value} (goal ${r.goal}) ${r.met ? 'met' : 'missed'}`);
      rows.push(...got);
    } catch (err) {
      console.error(`  ${name} failed:`, err);
      rows.push({ figure: `${name} (part failed)`, value: String(err).slice(0, 60), goal: '-', met: false });
    }
    console.log(`  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  console.log(
    `\nwhole run ${((performance.now() - t0) / 1000).toFixed(0)} s, load average now ${os.loadavg()[0]!.toFixed(2)}\n`,
  );
  console.log(table(rows));
  if (rows.some((r) => r.goal === '-')) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
