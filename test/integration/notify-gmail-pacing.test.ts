import { Redis } from 'ioredis';
import { createGmailPacing } from '../../src/modules/notify/gmail-pacing';
import type { GmailPort } from '../../src/modules/notify/domain/ports';
import { REDIS_TEST_URL, uniqueRedisPrefix } from '../helpers/database';
import { deleteRedisPrefix } from '../helpers/stack';

describe("pacing of one account's Gmail reads", () => {
  const redis = new Redis(REDIS_TEST_URL);
  const prefix = uniqueRedisPrefix();
  beforeAll(() => redis.ping());
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
    redis.disconnect();
  });

  const fakeGmail = (account: string, calls: string[]): GmailPort =>
    ({
      headers: async (id: string) => void calls.push(`${account}:${id}`),
      listHistory: async () => {
        calls.push(`${account}:history`);
        return { messages: [], historyId: '1' };
      },
    }) as unknown as GmailPort;

  it('when one account reads beyond its quota, then its reads wait (none fails) and another account is not held up', async () => {
    // 10 units a second: two messages.get (5 units each) per second per account.
    const pacing = createGmailPacing({
      redis,
      keyPrefix: prefix,
      watchPerSecond: 100,
      userUnitsPerSecond: 10,
    });
    const calls: string[] = [];
    const busy = pacing.paced(fakeGmail('a@example.com', calls), 'a@example.com');
    const other = pacing.paced(fakeGmail('b@example.com', calls), 'b@example.com');

    const burst = Promise.all(['1', '2', '3', '4', '5'].map((id) => busy.headers(id)));
    await new Promise((r) => setImmediate(r));
    await other.headers('x');
    await other.listHistory('1');
    const seenBeforeBurstEnded = [...calls];
    await burst;

    expect(calls.filter((c) => c.startsWith('a@'))).toHaveLength(5);
    // b's two reads went through while a's burst was still waiting for later seconds.
    expect(seenBeforeBurstEnded).toEqual(
      expect.arrayContaining(['b@example.com:x', 'b@example.com:history']),
    );
    expect(seenBeforeBurstEnded.filter((c) => c.startsWith('a@')).length).toBeLessThan(5);
  });
});
