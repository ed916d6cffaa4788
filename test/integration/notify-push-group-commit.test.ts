import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createAddressRoutes } from '../../src/modules/notify/address-routes';
import { createPushIntake, type PushOutcome } from '../../src/modules/notify/domain/push-intake';
import { createNotifyScheduler } from '../../src/modules/notify/jobs';
import { createPushDedupe } from '../../src/modules/notify/push-dedupe';
import { createPushedHistory } from '../../src/modules/notify/pushed-history';
import { REDIS_TEST_URL, uniqueRedisPrefix } from '../helpers/database';
import { deleteRedisPrefix } from '../helpers/stack';

const pause = (maxMs: number) => new Promise((r) => setTimeout(r, Math.random() * maxMs));

/**
 * The push intake as the webhook composes it, on real Redis and BullMQ: the pushes of one event-loop
 * round share their Redis calls (one MGET, one script call, one addBulk), and each is answered by
 * its own outcome. The address's mailboxes come from an in-memory source standing in for Postgres.
 */
describe('pushes recorded together (group commit)', () => {
  const keyPrefix = uniqueRedisPrefix();
  const redis = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
  afterAll(async () => {
    await deleteRedisPrefix(keyPrefix);
    redis.disconnect();
  });

  const make = (prefix: string, mailboxes: Map<string, string>, sourceMs = 3) => {
    const queue = new Queue('notify', { connection: redis, prefix: `${prefix}:bull` });
    const scheduler = createNotifyScheduler({
      config: { NOTIFY_RETRY_BASE_MS: 10, NOTIFY_RETRY_ATTEMPTS: 0, NOTIFY_RECHECK_DELAY_MS: 10 },
      queues: { notify: queue, watch: queue },
    } as unknown as Parameters<typeof createNotifyScheduler>[0]);
    const routes = createAddressRoutes({
      redis,
      keyPrefix: prefix,
      source: {
        touchPushByEmail: async (email) => {
          await pause(sourceMs);
          const id = mailboxes.get(email);
          return id ? [{ id, enabled: true }] : [];
        },
        touchPushIfOlder: async () => undefined,
      },
      now: () => new Date(),
      onTouchError: () => undefined,
    });
    const dedupe = createPushDedupe(redis, prefix);
    const pushed = createPushedHistory(redis, prefix);
    const receive = createPushIntake({
      dedupe,
      touchMailboxes: routes.mailboxesOf,
      raisePushed: pushed.raise,
      enqueueSync: scheduler.afterPush,
    });
    const jobOf = async (mailboxId: string) =>
      (await queue.getJobs(['waiting'])).filter((j) => j.data.mailboxId === mailboxId);
    return { queue, receive, routes, pushed, jobOf, remembered: (id: string) => dedupe.seen(id) };
  };

  it('when one push of a round cannot have its job recorded, then only that push fails and its messageId is not remembered', async () => {
    const prefix = `${keyPrefix}:fail`;
    const emails = ['a@example.com', 'b@example.com', 'c@example.com'];
    const mailboxes = new Map(emails.map((e) => [e, randomUUID()]));
    const t = make(prefix, mailboxes, 0);
    const bulk = jest.spyOn(t.queue, 'addBulk');
    // A key of the wrong type where BullMQ keeps b's deduplication id: adding b's sync errors.
    const broken = mailboxes.get('b@example.com')!;
    await redis.rpush(`${prefix}:bull:notify:de:sync:${broken}`, 'x');
    // The addresses' mailboxes already remembered, as for any address that pushed before: every push
    // then takes the same steps, so the three reach the enqueue in the same round.
    for (const email of emails) await t.routes.mailboxesOf(email);

    const results = await Promise.allSettled(
      emails.map((emailAddress, i) =>
        t.receive({ messageId: `m-${i}`, emailAddress, historyId: 50n + BigInt(i) }),
      ),
    );

    // One addBulk for the three jobs; it failed as a whole, and each job was then added on its own.
    expect(bulk.mock.calls.map(([jobs]) => jobs.length)).toEqual([3]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await t.remembered('m-0')).toBe(true);
    expect(await t.remembered('m-1')).toBe(false);
    expect(await t.remembered('m-2')).toBe(true);
    expect(await t.jobOf(mailboxes.get('a@example.com')!)).toHaveLength(1);
    expect(await t.jobOf(broken)).toHaveLength(0);
    expect(await t.jobOf(mailboxes.get('c@example.com')!)).toHaveLength(1);
    // Pub/Sub's redelivery, once the key is repaired, records it.
    await redis.del(`${prefix}:bull:notify:de:sync:${broken}`);
    await expect(
      t.receive({ messageId: 'm-1', emailAddress: 'b@example.com', historyId: 51n }),
    ).resolves.toBe('queued');
    expect(await t.jobOf(broken)).toHaveLength(1);
    await t.queue.close();
  });

  it('when pushes and redeliveries arrive at random moments, then each is answered by its own outcome and every accepted one is recorded (12 rounds)', async () => {
    for (let round = 0; round < 12; round++) {
      const prefix = `${keyPrefix}:r${round}`;
      const emails = Array.from({ length: 5 }, (_, i) => `u${i}@example.com`);
      const mailboxes = new Map(emails.map((e) => [e, randomUUID()]));
      const t = make(prefix, mailboxes);
      const pushes = Array.from({ length: 40 }, (_, i) => ({
        messageId: `m-${i % 25}`, // 15 redeliveries of earlier messageIds
        emailAddress: i % 7 === 6 ? 'nobody@example.com' : emails[i % emails.length]!,
        historyId: BigInt(100 + ((i * 37) % 41)),
      }));
      const outcomes: Array<{ messageId: string; outcome: PushOutcome }> = [];
      await Promise.all(
        pushes.map(async (push) => {
          await pause(6);
          outcomes.push({ messageId: push.messageId, outcome: await t.receive(push) });
        }),
      );

      const firsts = new Set<string>();
      for (const o of outcomes) {
        expect(['queued', 'duplicate', 'unknown_mailbox']).toContain(o.outcome);
        if (o.outcome !== 'duplicate') firsts.add(o.messageId);
      }
      // Every messageId was accepted at least once and is remembered now.
      expect(firsts.size).toBe(25);
      for (const id of firsts) expect(await t.remembered(id)).toBe(true);
      // A redelivery after the answers does nothing.
      const again = await t.receive(pushes[0]!);
      expect(again).toBe('duplicate');
      for (const email of emails) {
        const sent = pushes.filter((p) => p.emailAddress === email);
        if (sent.length === 0) continue;
        // One sync waits per pushed mailbox (later pushes were folded into it), and the address's
        // highest pushed history id is the highest any of its pushes named.
        expect(await t.jobOf(mailboxes.get(email)!)).toHaveLength(1);
        const highest = sent.reduce((m, p) => (p.historyId > m ? p.historyId : m), 0n);
        expect(await t.pushed.highest(email)).toBe(highest);
      }
      await t.queue.close();
    }
  });
});
