import { Redis } from 'ioredis';
import { createQuotaPacer } from '../../src/shared/quota-pacer';
import { REDIS_TEST_URL, uniqueRedisPrefix } from '../helpers/database';
import { deleteRedisPrefix } from '../helpers/stack';
import { busiestWindow } from '../helpers/windows';

describe('units paced through Redis (quota pacer)', () => {
  const prefix = uniqueRedisPrefix();
  const machines = [new Redis(REDIS_TEST_URL), new Redis(REDIS_TEST_URL), new Redis(REDIS_TEST_URL)];
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
    machines.forEach((r) => r.disconnect());
  });

  it('when three machines spend one account beyond its rate, then no second holds more than the rate plus the burst, and another account is not held up (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const spends: Array<{ at: number; units: number; account: string }> = [];
      // The start instants the pacer reserved: the spend returns at once and records when it may start.
      // Each spend returns at once (the sleep is not real) with the start it reserved, on Redis's clock.
      const pacers = machines.map((redis) => {
        const pacer = createQuotaPacer({
          redis,
          keyPrefix: `${prefix}:r${round}`,
          perSecond: 100,
          burst: 5,
          sleep: async () => undefined,
        });
        return {
          async spend(account: string, units: number) {
            spends.push({ at: await pacer.spend(account, units), units, account });
          },
        };
      });
      await Promise.all(
        pacers.map(async (pacer, m) => {
          await new Promise((r) => setTimeout(r, Math.random() * 30));
          for (let i = 0; i < 40; i++) {
            const units = (i + m) % 3 === 0 ? 2 : 5;
            // One spend at a time per machine, the three machines at once.
            await pacer.spend('busy@example.com', units);
            if (i % 10 === 0) await pacer.spend('calm@example.com', 2);
          }
        }),
      );
      const busy = spends.filter((s) => s.account === 'busy@example.com');
      const calm = spends.filter((s) => s.account === 'calm@example.com');
      expect(busy).toHaveLength(120);
      const total = busy.reduce((n, s) => n + s.units, 0);
      expect(busiestWindow(busy, 1000)).toBeLessThanOrEqual(105);
      const span = Math.max(...busy.map((s) => s.at)) - Math.min(...busy.map((s) => s.at));
      // Paced, not stalled: the units take about (total - burst) / rate seconds.
      expect(span).toBeGreaterThanOrEqual(((total - 5 - 5) / 100) * 1000 - 20);
      expect(span).toBeLessThanOrEqual(((total - 5) / 100) * 1000 + 100);
      // The other account's 12 reads (24 units) are paced on their own, not behind the busy one's.
      const calmSpan = Math.max(...calm.map((s) => s.at)) - Math.min(...calm.map((s) => s.at));
      expect(calmSpan).toBeLessThanOrEqual(((24 - 5) / 100) * 1000 + 50);
    }
  });

  it('when spends wait for real, then they return in turn, no sooner than their reserved start', async () => {
    const pacer = createQuotaPacer({
      redis: machines[0]!,
      keyPrefix: `${prefix}:real`,
      perSecond: 50,
      burst: 5,
    });
    const from = Date.now();
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, () =>
        pacer.spend('a@example.com', 5).then(() => done.push(Date.now() - from)),
      ),
    );
    // 30 units at 50 a second with a burst of 5: the last may start 0.5 s after the first.
    expect(Math.max(...done)).toBeGreaterThanOrEqual(490);
  });
});
