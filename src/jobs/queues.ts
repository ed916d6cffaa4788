/** Queue names. Job names and payload schemas live next to their processors; payloads carry ids only. */
export const QUEUE_NAMES = ['send', 'notify', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * A job whose machine died (kill -9, lost VM) is handed to another worker once its lock lapses and
 * the stalled check notices: at most LOCK + STALLED_CHECK later. Live workers renew their locks.
 */
export const JOB_LOCK_MS = 15_000;
export const STALLED_CHECK_MS = 10_000;

/** Concurrency per queue on one machine. */
export const QUEUE_CONCURRENCY: Record<QueueName, number> = { send: 4, notify: 8, maintenance: 2 };
