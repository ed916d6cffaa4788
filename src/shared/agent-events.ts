import { createHmac } from 'node:crypto';

/**
 * The assistant's event sink (AGENT_EVENTS_URL): every event, new mail or a staged email's outcome,
 * is one JSON POST signed with AGENT_EVENTS_SECRET in this header.
 */
export const AGENT_SIGNATURE_HEADER = 'X-Mailbridge-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver checks freshness and integrity. */
export function signAgentEvent(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export interface AgentEventsOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  /** Attempts per event, including the first. */
  attempts?: number;
  retryDelayMs?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * POSTs one event to the assistant's sink (SPEC 6.5.8): a few quick retries on network errors, 429
 * and 5xx, then the failure is thrown to the caller (who logs it, or lets its job retry later).
 * Each attempt is signed afresh, so its timestamp is the time it was sent.
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
