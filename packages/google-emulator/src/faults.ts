import { FAULT_ENDPOINTS, type Fault, type FaultEndpoint } from './types';

/** Queued faults per endpoint; each request takes (and counts down) the oldest one. */
export class FaultRegistry {
  private readonly queues = new Map<FaultEndpoint, Array<Fault & { left: number }>>();

  add(endpoint: FaultEndpoint, fault: Fault): void {
    if (!FAULT_ENDPOINTS.includes(endpoint)) throw new Error(`unknown fault endpoint ${String(endpoint)}`);
    const queue = this.queues.get(endpoint) ?? [];
    queue.push({ ...fault, left: fault.times ?? 1 });
    this.queues.set(endpoint, queue);
  }

  take(endpoint: FaultEndpoint): Fault | undefined {
    const queue = this.queues.get(endpoint);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.left -= 1;
    if (head.left <= 0) queue.shift();
    return head;
  }

  clear(): void {
    this.queues.clear();
  }
}

/** Whether the fault answers instead of the endpoint (a delay alone only slows the real answer). */
export const failsRequest = (f: Fault): boolean =>
  f.drop === true || f.status !== undefined || f.invalidGrant === true;

/** Timers of injected delays; closing the emulator ends them all at once. */
export class Delays {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  cancelAll(): void {
    this.closed = true;
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }
}
