import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAgentEvents } from '../../shared/agent-events';
import { createOutcomeDelivery } from './domain/outcome-event';
import type { OutcomeRecorded } from './draft-store';
import { createOutcomeOutbox } from './outcome-outbox';

export const OUTCOME_JOB = 'deliver-outcome-event';
export const OUTCOME_SWEEP_JOB = 'outcome-events-sweep';

/** `<draft>:<status>`, or `<draft>:edited:<version>` for an edit. */
const payload = z.object({ eventId: z.string().regex(/^[0-9a-f-]{36}:[a-z_]+(?::\d{1,9})?$/) });
/** BullMQ refuses ':' in custom ids. One job per event: queuing it again is harmless. */
export const outcomeJobId = (eventId: string) => `outcome-${eventId.replaceAll(':', '-')}`;

/** States in which the event's job will still run (an `active` one of a dead worker is taken over). */
const LIVE = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'active']);
/**
 * Tries per job, the delay doubling from SEND_RETRY_BASE_MS (5 s: the last try comes about 40 minutes
 * after the first); then the sweep gives the event a new job, until OUTCOME_MAX_AGE_MS.
 */
const ATTEMPTS = 10;
export const OUTCOME_MAX_AGE_MS = 3 * 24 * 3600_000;

/**
 * Outcome events for the assistant's sink, when one is configured: the delivery job, the sweep that
 * re-queues what a crash or a long outage left in the outbox, and the hook the draft store calls
 * after recording an event. Undefined without a sink: then no event is recorded at all.
 */
export function registerOutcomeEvents(app: FastifyInstance, log: Logger): OutcomeRecorded | undefined {
  const { config, queues } = app;
  if (!config.AGENT_EVENTS_URL || !config.AGENT_EVENTS_SECRET) return undefined;
  const options = { attempts: ATTEMPTS, backoff: { type: 'exponential', delay: config.SEND_RETRY_BASE_MS } };
  const enqueue = async (eventId: string) => {
    await queues.events.add(OUTCOME_JOB, { eventId }, { ...options, jobId: outcomeJobId(eventId) });
  };
  const delivery = createOutcomeDelivery({
    outbox: createOutcomeOutbox(app.prisma),
    // One POST per try: the job's backoff does the retrying, durably.
    post: createAgentEvents({
      url: config.AGENT_EVENTS_URL,
      secret: config.AGENT_EVENTS_SECRET,
      timeoutMs: config.HTTP_TIMEOUT_MS,
      attempts: 1,
    }),
    async requeue(eventId) {
      const jobId = outcomeJobId(eventId);
      if (LIVE.has(await queues.events.getJobState(jobId))) return;
      // A failed job (its tries ran out) would keep the id taken.
      await queues.events.remove(jobId);
      await enqueue(eventId);
    },
    clock: app.clock,
    maxAgeMs: OUTCOME_MAX_AGE_MS,
  });
  app.jobs.handle('events', OUTCOME_JOB, payload, ({ eventId }) => delivery.deliver(eventId));
  app.jobs.handle('maintenance', OUTCOME_SWEEP_JOB, z.object({}).passthrough(), async () => {
    const result = await delivery.sweep();
    if (result.dropped) log.warn(result, 'outcome events given up after their delivery window');
    return result;
  });
  app.jobs.onStart(async () => {
    await queues.maintenance.upsertJobScheduler(
      OUTCOME_SWEEP_JOB,
      { every: config.SEND_SWEEP_INTERVAL_MS },
      { name: OUTCOME_SWEEP_JOB, data: {} },
    );
  });
  // Best effort: an event whose job could not be queued (Redis down) is queued by the sweep.
  return (eventId) =>
    enqueue(eventId).catch((err: unknown) =>
      log.warn({ eventId, err: { message: (err as Error).message } }, 'outcome event job not queued'),
    );
}
