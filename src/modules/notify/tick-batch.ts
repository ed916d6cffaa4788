/**
 * Group commit for the push webhook's Redis work: calls made while the event loop handles one round
 * of ready sockets are sent together, as one command or pipeline, when that round ends
 * (`setImmediate`), instead of one command and one socket write each. Each caller still gets its
 * own answer or its own error. Written here rather than taken from DataLoader, which is a keyed,
 * caching loader: these are writes, one per call, never merged or cached.
 */
export type BatchFlush<I, O> = (items: I[]) => Promise<Array<O | Error>>;

export function batchPerTick<I, O>(flush: BatchFlush<I, O>): (item: I) => Promise<O> {
  let pending: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  const run = async () => {
    const batch = pending;
    pending = [];
    try {
      const results = await flush(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        const r = results[i];
        if (r instanceof Error) p.reject(r);
        else if (i >= results.length) p.reject(new Error('batch answered fewer items than it was given'));
        else p.resolve(r as O);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (pending.length === 0) setImmediate(() => void run());
      pending.push({ item, resolve, reject });
    });
}
