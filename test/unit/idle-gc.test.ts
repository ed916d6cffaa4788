import { getHeapSpaceStatistics } from 'node:v8';
import pino from 'pino';
import { startIdleCollector } from '../../src/platform/idle-gc';

interface Collected {
  msg: string;
  heapMb: [number, number];
  youngMb: number;
}

/** A logger whose debug lines land in `lines`. */
function recordingLogger(lines: Collected[]) {
  const stream = { write: (s: string) => void lines.push(JSON.parse(s) as Collected) };
  return pino({ level: 'debug' }, stream);
}

const youngMb = () =>
  (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0) / 1048576;

async function waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = find();
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('idle collector', () => {
  it('collects the garbage of a burst once the loop is idle, and shrinks a grown young generation', async () => {
    const lines: Collected[] = [];
    const stop = startIdleCollector(recordingLogger(lines));
    try {
      // A burst: some 30 MB of short-lived objects, more than the collector waits for.
      let kept = 0;
      for (let round = 0; round < 30; round++) {
        const garbage = Array.from({ length: 20_000 }, (_, i) => ({ i, text: `item ${i} of ${round}` }));
        kept += garbage.length;
      }
      expect(kept).toBe(600_000);
      const collected = () => lines.filter((l) => l.msg === 'idle heap collected');
      const first = await waitFor(() => collected()[0], 20_000);
      expect(first.heapMb[1]).toBeLessThanOrEqual(first.heapMb[0]);
      // After a longer idle stretch the young generation is small again: collected once more when it
      // is still grown, or shrunk by V8 itself after the first collection (as Node 24's often is).
      await waitFor(() => (youngMb() < 8 ? true : undefined), 20_000);
      expect(collected().length).toBeLessThanOrEqual(2);
    } finally {
      stop();
    }
  });

  it('does not collect while the event loop is busy', async () => {
    const lines: Collected[] = [];
    const stop = startIdleCollector(recordingLogger(lines));
    try {
      // Keep the loop busy (well over 5 % of each second) for 4 s: two idle windows never come.
      const until = Date.now() + 4_000;
      while (Date.now() < until) {
        const spinUntil = Date.now() + 50;
        while (Date.now() < spinUntil) Array.from({ length: 1000 }, (_, i) => ({ i }));
        await new Promise((r) => setImmediate(r));
      }
      expect(lines.filter((l) => l.msg === 'idle heap collected')).toEqual([]);
    } finally {
      stop();
    }
  });
});
