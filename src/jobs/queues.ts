/** Queue names. Job names and payload schemas live next to their processors; payloads carry ids only. */
export const QUEUE_NAMES = ['send', 'notify', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Concurrency per queue on one machine. */
export const QUEUE_CONCURRENCY: Record<QueueName, number> = { send: 4, notify: 8, maintenance: 2 };
