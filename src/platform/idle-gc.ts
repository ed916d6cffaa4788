import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from 'pino';

/** How often the event loop's utilisation and the heap are looked at. */
const CHECK_MS = 1_000;
/** A window in which the loop was busy less than this share of the time counts as idle. */
const IDLE_UTILISATION = 0.05;
/** Idle windows in a row before the garbage of a burst is collected... */
const FREE_AFTER = 2;
/** ...and before a young generation still grown is collected again (see startIdleCollector). */
const SHRINK_AFTER = 8;
/** The garbage collection runs once the heap holds this much more than after the last one. */
const GROWTH_BYTES = 16 * 1024 * 1024;
/** The young generation starts at 1 MB and grows under allocation (to 32 MB on Node 20, 48 on Node 24). */
const YOUNG_GROWN_BYTES = 8 * 1024 * 1024;

/** Called without options: a full, synchronous collection. */
type Collect = () => void;

/**
 * V8's full garbage collection (`gc()`) without `--expose-gc` on the command line: the flag set at run
 * time installs `gc` in contexts created afterwards, so a new context hands it over; the flag is unset
 * again at once. Undefined if this V8 does not do so.
 */
function fullCollector(): Collect | undefined {
  setFlagsFromString('--expose-gc');
  try {
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    return typeof gc === 'function' ? (gc as Collect) : undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

const heapBytes = () => getHeapStatistics().total_physical_size;
const youngBytes = () =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;

/**
 * Gives back the memory of a burst of work once the process is idle. V8 collects when allocation
 * demands it, so after a burst (start-up, the syncs a restart queues, a wave of pushes) an idle process
 * keeps the garbage the burst promoted into the old generation and its young generation grown (32–48 MB):
 * Node gives V8 no idle time, and V8's memory reducer is armed only by a full collection the burst may
 * not have needed. After FREE_AFTER idle windows of CHECK_MS in a row, if the heap has grown by
 * GROWTH_BYTES since the last collection, one full collection frees that garbage. V8 shrinks the young
 * generation in a full collection only when it allocated little over the last 5 s or so, which is not
 * the case right after a burst; so after SHRINK_AFTER idle windows, a young generation still grown is
 * collected once more. Each takes some tens of milliseconds and runs only while nothing else does; a
 * busy process never collects here (bench/README.md, "Idle RSS").
 */
export function startIdleCollector(log: Logger): () => void {
  const collect = fullCollector();
  if (!collect) {
    log.debug('idle collector unavailable: this V8 does not expose gc at run time');
    return () => undefined;
  }
  let afterLast = 0;
  let idleWindows = 0;
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const window = performance.eventLoopUtilization(last);
    last = performance.eventLoopUtilization();
    idleWindows = window.utilization < IDLE_UTILISATION ? idleWindows + 1 : 0;
    const before = heapBytes();
    const garbage = idleWindows === FREE_AFTER && before - afterLast >= GROWTH_BYTES;
    const grown = idleWindows === SHRINK_AFTER && youngBytes() >= YOUNG_GROWN_BYTES;
    if (!garbage && !grown) return;
    const t0 = performance.now();
    collect();
    afterLast = heapBytes();
    const mb = (b: number) => Math.round(b / 1048576);
    log.debug(
      {
        heapMb: [mb(before), mb(afterLast)],
        youngMb: mb(youngBytes()),
        ms: Math.round(performance.now() - t0),
      },
      'idle heap collected',
    );
  }, CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
