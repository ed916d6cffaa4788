interface Waiter {
  check: () => boolean;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Condition waits re-evaluated on every state change, so a wait resolves whether the awaited
 * thing happened before or after it was registered; no polling.
 */
export class Waiters {
  private readonly pending = new Set<Waiter>();

  /**
   * Resolves with `probe()`'s first non-undefined result. `describe` explains the timeout
   * (called lazily, so it can list what was recorded instead).
   */
  until<T>(probe: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const first = probe();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const value = probe();
          if (value === undefined) return false;
          resolve(value);
          return true;
        },
        reject,
        timer: setTimeout(() => {
          this.pending.delete(waiter);
          reject(new Error(`Slack emulator: timed out after ${timeoutMs} ms waiting for ${describe()}`));
        }, timeoutMs),
      };
      this.pending.add(waiter);
    });
  }

  /** Call after any change a waiter may observe. */
  notify(): void {
    for (const waiter of [...this.pending]) {
      if (waiter.check()) {
        clearTimeout(waiter.timer);
        this.pending.delete(waiter);
      }
    }
  }

  rejectAll(reason: string): void {
    for (const waiter of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`Slack emulator: ${reason}`));
    }
    this.pending.clear();
  }
}
