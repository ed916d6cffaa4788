/**
 * Cold start (`node dist/src/server.js` spawned → first /readyz 200, median of a few boots) and idle
 * RSS (read from /proc after the server has sat idle), with 1,000 connected mailboxes none due: each
 * watch holds for 7 days more and each mailbox was synced just now (lib/mailboxes.ts; the real flow's
 * mailboxes are synced as notifications are turned on), so the maintenance run every restart
 * queues at once (src/modules/notify/jobs.ts) finds neither renewals nor safety syncs to do. Mailboxes
 * never synced would each get a safety sync at start, and the "idle" server would still be syncing
 * them 15 s after ready (bench/README.md, "Idle RSS").
 */
import { percentile, rssMb, sleep, startCompiled, withStack, type Row } from '../lib/compiled';
import { insertMailboxes } from '../lib/mailboxes';
import { SIZES } from '../sizes';

export async function startPart(): Promise<Row[]> {
  const { mailboxes: n, boots } = SIZES.start;
  return withStack({ realFlow: SIZES.realFlow }, async (stack, flow) => {
    await insertMailboxes(stack, n - flow.length, { watchDue: false });
    const readyMs: number[] = [];
    for (let i = 0; i < boots; i++) {
      const { server, readyMs: ms } = await startCompiled(stack);
      readyMs.push(ms);
      await server.stop('SIGTERM');
    }
    const median = percentile(readyMs, 50);
    return [
      {
        figure: `cold start → /readyz 200 (median of ${boots}: ${readyMs.map((m) => (m / 1000).toFixed(2)).join(', ')} s)`,
        value: `${(median / 1000).toFixed(2)} s`,
        goal: '≤ 1.0 s',
        met: median <= 1000,
      },
    ];
  });
}

export async function memoryPart(): Promise<Row[]> {
  const { mailboxes: n, idleSeconds } = SIZES.memory;
  return withStack({ realFlow: SIZES.realFlow }, async (stack, flow) => {
    await insertMailboxes(stack, n - flow.length, { watchDue: false });
    const { server } = await startCompiled(stack);
    await sleep(idleSeconds * 1000);
    const rss = rssMb(server.child.pid!);
    return [
      {
        figure: `idle RSS (${idleSeconds} s after ready, ${n} mailboxes)`,
        value: `${rss.toFixed(0)} MB`,
        goal: '≤ 120 MB',
        met: rss <= 120,
      },
    ];
  });
}
