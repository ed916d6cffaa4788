import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { createNotifyScheduler } from '../../src/modules/notify/jobs';
import { createPushedHistory } from '../../src/modules/notify/pushed-history';
import { isCovered } from '../../src/modules/notify/domain/covered';
import type { MailboxRecord } from '../../src/modules/notify/domain/types';
import { REDIS_TEST_URL, uniqueRedisPrefix } from '../helpers/database';
import { deleteRedisPrefix } from '../helpers/stack';

const pause = (maxMs: number) => new Promise((r) => setTimeout(r, Math.random() * maxMs));

/** Until the queue holds no job in any state that will still run. */
async function drained(queue: Queue, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > end) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a sync skips Gmail only when every accepted push is covered (real Redis and BullMQ)', () => {
  const keyPrefix = uniqueRedisPrefix();
  const redis = new Redis(REDIS_TEST_URL);
  const workerRedis = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: null });
  afterAll(async () => {
    await deleteRedisPrefix(keyPrefix);
    redis.disconnect();
    workerRedis.disconnect();
  });

  it('the highest pushed history id is only ever raised, and compares as a number', async () => {
    const pushed = createPushedHistory(redis, `${keyPrefix}:raise`);
    await expect(pushed.highest('A@example.com')).resolves.toBeUndefined();
    for (const id of [9n, 10n, 8n, 10n, 2n ** 63n + 5n, 99n]) await pushed.raise('A@example.com', id);
    await expect(pushed.highest('a@example.com')).resolves.toBe(2n ** 63n + 5n);
  });

  it('when pushes, redeliveries and syncs interleave at random, then after the last sync the cursor has read every change (20 rounds)', async () => {
    let skipped = 0;
    let reads = 0;
    for (let round = 0; round < 20; round++) {
      const prefix = `${keyPrefix}:r${round}`;
      const queue = new Queue('notify', { connection: redis, prefix });
      const scheduler = createNotifyScheduler({
        config: { NOTIFY_RETRY_BASE_MS: 10, NOTIFY_RETRY_ATTEMPTS: 0, NOTIFY_RECHECK_DELAY_MS: 10 },
        queues: { notify: queue, watch: queue },
      } as unknown as Parameters<typeof createNotifyScheduler>[0]);
      const pushed = createPushedHistory(redis, prefix);
      const email = 'me@example.com';
      // Gmail's history head, and the mailbox's cursor as a sync leaves it.
      let head = 100n;
      let cursor = 100n;
      const mailbox = { id: '6f1c9a52-4d1e-4a57-9d6b-0b8f0c2f6a11', email } as MailboxRecord;
      const worker = new Worker(
        'notify',
        async (job: Job<{ historyId?: string; recheck?: boolean }>) => {
          const start = cursor;
          await pause(8);
          const req = { historyId: job.data.historyId ? BigInt(job.data.historyId) : undefined };
          if (await isCovered({ pushedUpTo: pushed.highest }, mailbox, start, req)) {
            skipped += 1;
            return;
          }
          reads += 1;
          await pause(8);
          const seen = head; // history.list from the cursor returns everything up to the head
          await pause(8);
          if (seen > cursor) cursor = seen;
        },
        { connection: workerRedis, prefix, concurrency: 4 },
      );
      const sent: bigint[] = [];
      // New changes with their pushes, and redeliveries of earlier pushes, at random moments.
      await Promise.all(
        Array.from({ length: 30 }, async () => {
          await pause(150);
          let historyId: bigint;
          if (sent.length > 0 && Math.random() < 0.3) {
            historyId = sent[Math.floor(Math.random() * sent.length)]!;
          } else {
            head += 1n;
            historyId = head;
            sent.push(historyId);
          }
          await pause(5); // Pub/Sub's delivery
          await pushed.raise(email, historyId);
          await scheduler.afterPush(mailbox.id, historyId);
        }),
      );
      await drained(queue, 10_000);
      await worker.close();
      await queue.close();
      expect({ round, cursor }).toEqual({ round, cursor: head });
    }
    expect(skipped).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(0);
  }, 60_000);
});
