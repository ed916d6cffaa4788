import type { Clock } from '../../../shared/clock';
import type { FinalStatus } from './types';

/** The event each final status sends to the assistant's sink. */
export const OUTCOME_EVENT_TYPES = {
  sent: 'email.sent',
  failed: 'email.failed',
  cancelled: 'email.cancelled',
  expired: 'email.expired',
  outcome_unknown: 'email.outcome_unknown',
} as const satisfies Record<FinalStatus, string>;

/** `email.edited`: the owner changed a pending draft's content (not final: a final event follows). */
export const EDITED_EVENT_TYPE = 'email.edited';
export type OutcomeEventType = (typeof OUTCOME_EVENT_TYPES)[FinalStatus] | typeof EDITED_EVENT_TYPE;

/**
 * Stable per change of state: a draft reaches each final status at most once, so the receiver can
 * drop a repeated delivery by this id.
 */
export const outcomeEventId = (draftId: string, status: FinalStatus) => `${draftId}:${status}`;

/** An edit may happen more than once: each version it made has its own id, never a final event's. */
export const editedEventId = (draftId: string, version: number) => `${draftId}:edited:${version}`;

/** What an outcome event is built from, recorded with the change of state: ids and a count only. */
export interface OutcomeFacts {
  id: string;
  type: OutcomeEventType;
  createdAt: Date;
  draftId: string;
  triggerTs: string;
  teamId: string;
  userId: string;
  recipientCount: number;
  gmailMessageId: string | null;
  gmailThreadId: string | null;
}

/**
 * The event as POSTed: ids and a count, never a subject, an address or a body — the assistant wrote
 * those, and whatever logs the sink's traffic need not hold them.
 */
export function outcomeEventBody(f: OutcomeFacts) {
  return {
    id: f.id,
    type: f.type,
    created_at: f.createdAt.toISOString(),
    draft_id: f.draftId,
    trigger_message_ts: f.triggerTs,
    team_id: f.teamId,
    user_id: f.userId,
    recipient_count: f.recipientCount,
    gmail_message_id: f.gmailMessageId,
    gmail_thread_id: f.gmailThreadId,
  };
}

export type OutcomeEventBody = ReturnType<typeof outcomeEventBody>;

/** Outcome events waiting for delivery (the outbox written with each change of state). */
export interface OutcomeOutbox {
  find(id: string): Promise<OutcomeFacts | undefined>;
  /** The sink took it: it is never delivered again. */
  remove(id: string): Promise<void>;
  /** Ids of undelivered events, oldest first. */
  listUndelivered(take: number): Promise<string[]>;
  /** Drops undelivered events recorded before `cutoff`; how many. */
  dropOlderThan(cutoff: Date): Promise<number>;
}

export interface OutcomeDeliveryDeps {
  outbox: OutcomeOutbox;
  /** POSTs one signed event; throws when the sink did not take it. */
  post(body: OutcomeEventBody): Promise<void>;
  /** Makes sure a delivery job exists for the event (idempotent: a queued or running one is left alone). */
  requeue(id: string): Promise<void>;
  clock: Clock;
  /** How long an event is offered to a failing sink before it is given up. */
  maxAgeMs: number;
}

const BATCH = 200;

/**
 * At least once: an event leaves the outbox only after the sink answered 2xx, so a crash or a
 * failure at any point leaves it for a retry (its job's backoff, then the sweep).
 */
export function createOutcomeDelivery(deps: OutcomeDeliveryDeps) {
  return {
    async deliver(id: string): Promise<'delivered' | 'gone'> {
      const facts = await deps.outbox.find(id);
      if (!facts) return 'gone';
      await deps.post(outcomeEventBody(facts));
      await deps.outbox.remove(id);
      return 'delivered';
    },
    /** Gives every undelivered event a job again (one never queued, or whose retries ran out). */
    async sweep(): Promise<{ requeued: number; dropped: number }> {
      const cutoff = new Date(deps.clock.now().getTime() - deps.maxAgeMs);
      const dropped = await deps.outbox.dropOlderThan(cutoff);
      const ids = await deps.outbox.listUndelivered(BATCH);
      for (const id of ids) await deps.requeue(id);
      return { requeued: ids.length, dropped };
    },
  };
}

export type OutcomeDelivery = ReturnType<typeof createOutcomeDelivery>;
