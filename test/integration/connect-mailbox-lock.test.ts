import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnectionRepo } from '../../src/modules/connect/connection-store';
import { useMigratedPrisma } from '../helpers/database';

const database = useMigratedPrisma();

const input = (userId: string, googleSub: string) => ({
  teamId: 'T1',
  userId,
  googleSub,
  email: `${googleSub}@example.com`,
  scopes: ['https://www.googleapis.com/auth/gmail.send'],
  sealed: { ciphertext: randomBytes(32), keyVersion: 'v1' },
  now: new Date(),
});

describe('one Google account per Slack person, in the store', () => {
  it('when several people store the same Google account at once, then exactly one holds it (10 rounds)', async () => {
    const store = createConnectionRepo(database.prisma);
    for (let round = 0; round < 10; round += 1) {
      const sub = `sub-${round}-${randomBytes(4).toString('hex')}`;
      const people = Array.from({ length: 2 + randomInt(0, 4) }, (_, i) => `U${round}P${i}`);
      const results = await Promise.all(
        people.map(async (userId) => {
          await sleep(randomInt(0, 5));
          return store.upsertActiveAlone(input(userId, sub));
        }),
      );
      const stored = results.filter((r) => r !== undefined);
      expect(stored).toHaveLength(1);
      const holders = await database.prisma.gmailConnection.findMany({
        where: { googleSub: sub, status: 'active' },
      });
      expect(holders.map((h) => h.userId)).toEqual([stored[0]!.userId]);
      // The holder reconnecting the same account is not refused by itself.
      expect(await store.upsertActiveAlone(input(stored[0]!.userId, sub))).toMatchObject({ googleSub: sub });
      expect(await store.otherActiveHolders('T1', sub, 'someone-else')).toHaveLength(1);
    }
  });

  it('when sharing is allowed and several people store one account at once, then each write sees every earlier holder (10 rounds)', async () => {
    const store = createConnectionRepo(database.prisma);
    for (let round = 0; round < 10; round += 1) {
      const sub = `shared-${round}-${randomBytes(4).toString('hex')}`;
      const people = Array.from({ length: 2 + randomInt(0, 4) }, (_, i) => `U${round}S${i}`);
      const results = await Promise.all(
        people.map(async (userId) => {
          await sleep(randomInt(0, 5));
          return store.upsertActiveShared(input(userId, sub));
        }),
      );
      // The writes are one after the other: the k-th saw the k-1 before it, so every earlier holder is told.
      expect(results.map((r) => r.holders.length).sort()).toEqual(people.map((_, i) => i));
      const told = new Set(results.flatMap((r) => r.holders.map((h) => h.userId)));
      const last = results.find((r) => r.holders.length === people.length - 1)!;
      expect([...told].sort()).toEqual(people.filter((u) => u !== last.connection.userId).sort());
    }
  });

  it('when the account is held in another workspace or only by an inactive connection, then it is free', async () => {
    const store = createConnectionRepo(database.prisma);
    await store.upsertActive({ ...input('U-other-team', 'sub-free'), teamId: 'T2' });
    const invalid = await store.upsertActive(input('U-invalid', 'sub-free'));
    await store.markInvalid(invalid.id, { googleSub: 'sub-free', sealed: null }, new Date());
    expect(await store.upsertActiveAlone(input('U-new', 'sub-free'))).toMatchObject({ userId: 'U-new' });
  });
});
