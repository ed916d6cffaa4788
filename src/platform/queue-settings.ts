/** Queue names. Job names and payload schemas live next to their processors; payloads carry ids only. */
export const QUEUE_NAMES = ['send', 'notify', 'events', 'maintenance', 'home', 'watch'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * A job whose machine died (kill -9, lost VM) is handed to another worker at most
 * JOB_LOCK_MS + STALLED_CHECK_MS (14 s) after the death: its lock, last renewed before the death, lapses
 * within JOB_LOCK_MS, and BullMQ's stalled check (at most one per STALLED_CHECK_MS across all machines) marks
 * every active job on one pass and moves those still unlocked on the next; the marking pass falls inside the
 * lock's life because STALLED_CHECK_MS < JOB_LOCK_MS. A live worker renews its locks at least every
 * JOB_LOCK_RENEW_MS, however long a job runs, so only an event loop blocked for about
 * JOB_LOCK_MS - JOB_LOCK_RENEW_MS (7 s) could let a healthy job be taken for stalled.
 */
export const JOB_LOCK_MS = 10_000;
export const JOB_LOCK_RENEW_MS = 3_000;
export const STALLED_CHECK_MS = 4_000;

/**
 * Concurrency per queue on one machine. `watch` holds Gmail watch renewals, paced by a rate limit that
 * holds across machines (JobRegistry.limit); its concurrency only lets one machine reach that rate.
 */
export const QUEUE_CONCURRENCY: Record<QueueName, number> = {
  send: 4,
  notify: 8,
  events: 4,
  maintenance: 2,
  home: 4,
  watch: 32,
};

/**
 * How often a job may be found stalled (its lock lapsed: machine killed, or a drain abandoned it) before
 * BullMQ fails it for good. BullMQ's default, 1, would lose a job whose machine dies twice in a row, e.g.
 * a deploy that replaces the machine which had just picked the job up again. Handlers are idempotent,
 * so a resumed run is safe; 5 covers a burst of restarts while still ending a job that kills its worker.
 */
export const MAX_STALLS = 5;
