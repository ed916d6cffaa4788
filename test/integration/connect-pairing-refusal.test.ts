import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPairingRepo } from '../../src/modules/connect/pairing-store';
import { useMigratedPrisma } from '../helpers/database';

const database = useMigratedPrisma();

const MINUTE = 60_000;

describe('refusing a pairing, in the store', () => {
  const store = () => createPairingRepo(database.prisma);
  const newPairing = async (now: Date) => {
    const id = randomBytes(12).toString('hex');
    const p = { id, teamId: 'T1', userId: `U${id}`, purpose: 'connect' as const, codeHash: 'h' };
    await store().createWithinLimit({ ...p, expiresAt: new Date(now.getTime() + 10 * MINUTE) }, now, 10);
    return id;
  };

  it('when the machine that refused runs minutes behind the one with the right code, then the code does not undo the refusal', async () => {
    const now = new Date();
    const id = await newPairing(now);
    expect(await store().reserveCheck(id, 5, now)).toBe(1);
    // The refusing machine's clock is 5 minutes behind: its expiry stamp leaves the pairing open by clock.
    expect(await store().refuse(id, new Date(now.getTime() - 5 * MINUTE))).toEqual({ wasUsed: false });
    expect(await store().consume(id, new Date(now.getTime() - 6 * MINUTE))).toBe(false);
    const row = await store().find(id);
    expect(row).toMatchObject({ usedAt: null, refusedAt: expect.any(Date), burntAt: expect.any(Date) });
  });

  it('when several refusals and the right code race, then exactly one refusal reports it and the mark stays (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const now = new Date();
      const id = await newPairing(now);
      await store().reserveCheck(id, 5, now);
      const [consumed, ...refusals] = await Promise.all([
        sleep(randomInt(0, 5)).then(() => store().consume(id, now)),
        ...Array.from({ length: 4 }, () => sleep(randomInt(0, 5)).then(() => store().refuse(id, now))),
      ]);
      const reported = refusals.filter((r) => r !== undefined);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toEqual({ wasUsed: consumed });
      const row = await store().find(id);
      expect(row?.refusedAt).not.toBeNull();
      expect(row?.burntAt).not.toBeNull();
      expect(row?.usedAt !== null).toBe(consumed);
    }
  });
});
