/** Delays (for injected `delayMs` faults) that `cancelAll` ends early, so closing never waits on them. */
export function createSleeper(): { sleep: (ms: number) => Promise<void>; cancelAll: () => void } {
  const pending = new Map<NodeJS.Timeout, () => void>();
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve();
        }, ms);
        pending.set(timer, resolve);
      }),
    cancelAll: () => {
      for (const [timer, resolve] of pending) {
        clearTimeout(timer);
        resolve();
      }
      pending.clear();
    },
  };
}
