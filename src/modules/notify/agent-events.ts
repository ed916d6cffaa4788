import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createAgentEvents } from '../../shared/agent-events';
import { newMailEvent } from './domain/agent-event';
import type { SyncDeps } from './domain/sync';

/**
 * The sync's `publish`: each announced message as an event for the assistant, when a sink is
 * configured (AGENT_EVENTS_URL and AGENT_EVENTS_SECRET). Best effort: a failure is counted and
 * logged, never thrown into the sync.
 */
export function createAgentPublisher(
  app: Pick<FastifyInstance, 'config' | 'metrics' | 'clock'>,
  log: Logger,
): SyncDeps['publish'] {
  const { config, metrics, clock } = app;
  const post =
    config.AGENT_EVENTS_URL && config.AGENT_EVENTS_SECRET
      ? createAgentEvents({
          url: config.AGENT_EVENTS_URL,
          secret: config.AGENT_EVENTS_SECRET,
          timeoutMs: config.HTTP_TIMEOUT_MS,
        })
      : undefined;
  return async (mailbox, mail) => {
    await post?.(newMailEvent(mailbox, mail, clock.now())).catch((err: unknown) => {
      metrics.apiErrors.inc({ service: 'agent_events', kind: 'post_failed' });
      log.warn(
        { err: { message: (err as Error).message }, mailboxId: mailbox.id },
        'agent event not delivered',
      );
    });
  };
}
