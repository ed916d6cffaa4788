import type { ServerResponse } from 'node:http';
import type { FaultSpec } from './types';

interface ArmedFault {
  target: string;
  spec: FaultSpec;
  remaining: number;
}

/** Faults armed by tests, consumed in the order they were armed. */
export class FaultBook {
  private armed: ArmedFault[] = [];

  add(target: string, spec: FaultSpec): void {
    this.armed.push({ target, spec, remaining: spec.times ?? 1 });
  }

  /** Consumes one use of the first fault matching `target` (`'*'` matches Web API methods only). */
  take(target: string, isWebApiMethod: boolean): FaultSpec | undefined {
    const fault = this.armed.find((f) => f.target === target || (isWebApiMethod && f.target === '*'));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.armed = this.armed.filter((f) => f !== fault);
    return fault.spec;
  }

  clear(): void {
    this.armed = [];
  }
}

/** False for a fault that only delays: the request is then answered normally. */
export function answersInstead(fault: FaultSpec): boolean {
  return fault.drop === true || fault.status !== undefined || fault.error !== undefined;
}

/**
 * Waits out `delayMs`, then answers `res` as the fault says. Returns false when the fault only
 * delays, so the caller goes on to answer normally.
 */
export async function applyFault(
  res: ServerResponse,
  fault: FaultSpec,
  sleep: (ms: number) => Promise<void>,
): Promise<boolean> {
  if (fault.delayMs) await sleep(fault.delayMs);
  if (!answersInstead(fault)) return false;
  if (fault.drop) {
    res.socket?.destroy();
    return true;
  }
  if (fault.status === 429) {
    res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(fault.retryAfter ?? 1) });
    res.end(JSON.stringify({ ok: false, error: fault.error ?? 'ratelimited' }));
    return true;
  }
  const status = fault.status ?? 200;
  const error = fault.error ?? (status >= 500 ? 'internal_error' : 'fatal_error');
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ ok: false, error }));
  return true;
}
