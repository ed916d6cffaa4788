import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { newMailEvent } from './domain/agent-event';
import type { SyncDeps } from './domain/sync';

export interface AgentEventsOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  /** Attempts per event, including the first. */
  attempts?: number;
  retryDelayMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver checks freshness and integrity. */
export function signAgentEvent(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export const AGENT_SIGNATURE_HEADER = 'X-Mailbridge-Signature';

/**
 * POSTs one event to the assistant's sink (SPEC 6.5.8). Best effort: a few quick retries on network
 * errors, 429 and 5xx, then the failure is reported to the caller, who logs it and moves on.
 */
export function createAgentEvents(opts: AgentEventsOptions) {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const attempts = opts.attempts ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 250;
  return async function post(event: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(event);
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const signature = signAgentEvent(opts.secret, body, Math.floor(Date.now() / 1000));
      try {
        const res = await doFetch(opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [AGENT_SIGNATURE_HEADER]: signature },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return;
        lastError = new Error(`agent event sink answered ${res.status}`);
        if (res.status !== 429 && res.status < 500) break;
      } catch (err) {
        lastError = err;
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** (attempt - 1)));
    }
    throw lastError;
  };
}

export type AgentEvents = ReturnType<typeof createAgentEvents>;

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
