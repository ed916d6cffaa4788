import { batchPerTick } from '../../src/modules/notify/tick-batch';

describe('calls batched per event-loop round', () => {
  it('when calls are made in one round, then they are flushed together and each gets its own answer or error', async () => {
    const flushes: number[][] = [];
    const double = batchPerTick<number, number>(async (items) => {
      flushes.push(items);
      return items.map((i) => (i === 3 ? new Error('three') : i * 2));
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => double(i)));
    expect(flushes).toEqual([[1, 2, 3, 4]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      2,
      4,
      'three',
      8,
    ]);
  });

  it('when the flush itself fails, then every call of that batch fails and the next batch is sent anew', async () => {
    let fail = true;
    const flushes: string[][] = [];
    const send = batchPerTick<string, string>(async (items) => {
      flushes.push(items);
      if (fail) throw new Error('down');
      return items;
    });
    const first = await Promise.allSettled([send('a'), send('b')]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(send('c')).resolves.toBe('c');
    expect(flushes).toEqual([['a', 'b'], ['c']]);
  });

  it('when calls arrive at random moments, also while a flush is under way, then each is answered exactly once with its own result (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      let inFlight = 0;
      const send = batchPerTick<number, number>(async (items) => {
        inFlight += 1;
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        inFlight -= 1;
        return items.map((i) => (i % 5 === 0 ? new Error(`e${i}`) : -i));
      });
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, async (_, i) => {
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          return send(i);
        }),
      );
      results.forEach((r, i) => {
        if (i % 5 === 0) expect(r.status === 'rejected' && (r.reason as Error).message).toBe(`e${i}`);
        else expect(r.status === 'fulfilled' && r.value).toBe(-i);
      });
      expect(inFlight).toBe(0);
    }
  });
});
