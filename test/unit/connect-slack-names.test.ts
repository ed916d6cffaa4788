import { Redis } from 'ioredis';
import pino from 'pino';
import { webApi } from '@slack/bolt';
import { createLookupClient, createSlackNames } from '../../src/modules/connect/slack-names';
import { startSlackEmulator } from '@mailbridge/slack-emulator';
import { REDIS_TEST_URL, uniqueRedisPrefix } from '../helpers/database';
import { deleteRedisPrefix } from '../helpers/stack';

type Answer = () => Promise<unknown>;

/** A stand-in for the lookup WebClient that counts calls and answers as each test arranges. */
function fakeClient() {
  const calls = { users: 0, team: 0 };
  const answers: { users: Answer; team: Answer } = {
    users: async () => ({ user: { name: 'ada', real_name: 'Ada Lovelace' } }),
    team: async () => ({ team: { name: 'Analytical Engines' } }),
  };
  const client = {
    users: { info: () => (calls.users++, answers.users()) },
    team: { info: () => (calls.team++, answers.team()) },
  } as unknown as webApi.WebClient;
  return { client, calls, answers };
}

const rateLimited = (retryAfter: number) =>
  Object.assign(new Error('rate limited'), { code: webApi.ErrorCode.RateLimitedError, retryAfter });

describe('names on the connect pages', () => {
  let redis: Redis;
  let prefix: string;
  const log = pino({ level: 'silent' });

  beforeEach(() => {
    redis = new Redis(REDIS_TEST_URL);
    prefix = uniqueRedisPrefix();
  });
  afterEach(async () => {
    await deleteRedisPrefix(prefix);
    redis.disconnect();
  });

  it('when 100 pages ask at once and again later, then Slack is asked once per name', async () => {
    const fake = fakeClient();
    const names = createSlackNames({ client: fake.client, redis, keyPrefix: prefix, log });
    const pages = await Promise.all(Array.from({ length: 100 }, () => names.forPage('U1')));
    await names.forPage('U1');
    // The handle and id name the person; the real name, which anyone can copy, is only a hint.
    expect(pages[99]).toEqual({
      userName: '@ada (U1)',
      realName: 'Ada Lovelace',
      teamName: 'Analytical Engines',
    });
    expect(fake.calls).toEqual({ users: 1, team: 1 });
    // Another machine shares the cache through Redis.
    const other = fakeClient();
    const elsewhere = createSlackNames({ client: other.client, redis, keyPrefix: prefix, log });
    expect((await elsewhere.forPage('U1')).userName).toBe('@ada (U1)');
    expect(other.calls).toEqual({ users: 0, team: 0 });
  });

  it('when Slack answers 429, then the page shows the fallbacks and no lookup of that method is made until Retry-After', async () => {
    const fake = fakeClient();
    fake.answers.users = async () => {
      throw rateLimited(60);
    };
    const names = createSlackNames({ client: fake.client, redis, keyPrefix: prefix, log });
    expect(await names.forPage('U1')).toEqual({ userName: 'U1', teamName: 'Analytical Engines' });
    for (const user of ['U2', 'U3', 'U1']) expect((await names.forPage(user)).userName).toBe(user);
    expect(fake.calls.users).toBe(1);
    expect(await redis.pttl(`${prefix}:slack-names:paused:users.info`)).toBeGreaterThan(50_000);
  });

  it('when a lookup fails otherwise, then that name is not asked again for a minute', async () => {
    const fake = fakeClient();
    fake.answers.team = async () => {
      throw Object.assign(new Error('missing_scope'), { code: webApi.ErrorCode.PlatformError });
    };
    const names = createSlackNames({ client: fake.client, redis, keyPrefix: prefix, log });
    expect((await names.forPage('U1')).teamName).toBe('your workspace');
    expect((await names.forPage('U2')).teamName).toBe('your workspace');
    expect(fake.calls.team).toBe(1);
    expect(await redis.ttl(`${prefix}:slack-names:team`)).toBeLessThanOrEqual(60);
  });

  it('when Redis is unreachable, then Slack is not asked at all and the page still has names to show', async () => {
    const fake = fakeClient();
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const names = createSlackNames({ client: fake.client, redis: down, keyPrefix: prefix, log });
    expect(await names.forPage('U1')).toEqual({ userName: 'U1', teamName: 'your workspace' });
    expect(fake.calls).toEqual({ users: 0, team: 0 });
    down.disconnect();
  });

  it('when Slack answers 429 to the lookup client, then it rejects at once with Retry-After and its next call is not held back', async () => {
    const slack = await startSlackEmulator();
    try {
      slack.addUser({ id: 'U1', name: 'ada' });
      const client = createLookupClient({ token: slack.botToken, apiUrl: slack.apiUrl, log });
      slack.fail('users.info', { status: 429, retryAfter: 600 });
      await expect(client.users.info({ user: 'U1' })).rejects.toMatchObject({
        code: webApi.ErrorCode.RateLimitedError,
        retryAfter: 600,
      });
      // A paused queue would hold this call for the ten minutes of Retry-After (beyond the test's timeout).
      await expect(client.users.info({ user: 'U1' })).resolves.toMatchObject({ user: { name: 'ada' } });
      expect(slack.calls.filter((c) => c.method === 'users.info')).toHaveLength(2);
    } finally {
      await slack.close();
    }
  });
});
