import { Redis } from 'ioredis';
import { createRateGate } from '../../src/shared/rate-gate';
import { REDIS_TEST_URL, uniqueRedisPrefix } from '../helpers/database';
import { deleteRedisPrefix } from '../helpers/stack';
import { busiestWindow } from '../helpers/windows';

describe('a rate gate shared through Redis', () => {
  const prefix = uniqueRedisPrefix();
  const machines = [new Redis(REDIS_TEST_URL), new Redis(REDIS_TEST_URL), new Redis(REDIS_TEST_URL)];
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
    machines.forEach((r) => r.disconnect());
  });

  it('when three machines call at once, beyond the rate, then every call passes and no window holds more than the rate', async () => {
    for (let round = 0; round < 10; round++) {
      const key = `${prefix}:gate:${round}`;
      const gates = machines.map((redis) =>
        createRateGate({ redis, key, max: 10, windowMs: 100, marginMs: 40 }),
      );
      const granted: number[] = [];
      // Each machine starts its 12 calls at a random moment of the first window.
      await Promise.all(
        gates.map(async (gate) => {
          await new Promise((r) => setTimeout(r, Math.random() * 100));
          await Promise.all(
            Array.from({ length: 12 }, async () => {
              await gate.take();
              granted.push(Date.now());
            }),
          );
        }),
      );
      expect(granted).toHaveLength(36);
      expect(busiestWindow(granted, 100)).toBeLessThanOrEqual(10);
    }
  });

  it('when three machines ask for slots at once, then each call gets a slot of its own, spaced (window + margin) / max apart', async () => {
    for (let round = 0; round < 10; round++) {
      const key = `${prefix}:slots:${round}`;
      const waits: number[] = [];
      // A sleep that returns at once: only the slots handed out are looked at.
      const record = (ms: number) => {
        waits.push(ms);
        return Promise.resolve();
      };
      const gates = machines.map((redis) =>
        createRateGate({ redis, key, max: 10, windowMs: 100, marginMs: 40, sleep: record }),
      );
      const [sec, micro] = await machines[0]!.time();
      const before = Number(sec) * 1e6 + Number(micro);
      await Promise.all(gates.flatMap((gate) => Array.from({ length: 12 }, () => gate.take())));
      // 36 slots 14 ms apart, the first at once: the next free slot is 36 intervals after the first.
      const next = Number(await machines[0]!.get(key));
      expect(next - before).toBeGreaterThanOrEqual(36 * 14_000);
      // Every call but the first waited for a slot of its own.
      expect(waits).toHaveLength(35);
    }
  });
});
