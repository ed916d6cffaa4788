/**
 * Sizes of a benchmark run, chosen so that the whole table takes well under 15 minutes on 2 cores
 * (the renewal alone takes at least 10,000 / GMAIL_WATCH_RATE_PER_SECOND seconds).
 */
export const SIZES = {
  /** People connected through the real flow in each part; the rest are inserted (bench/README.md). */
  realFlow: 2,
  push: { mailboxes: 1000, pushes: 4000, concurrency: 32, halfLoadSeconds: 10 },
  dm: { mailboxes: 1000, perSecond: 100, seconds: 20 },
  renewal: { mailboxes: 10_000 },
  start: { mailboxes: 1000, boots: 3 },
  memory: { mailboxes: 1000, idleSeconds: 15 },
  send: { clicks: 100, warmUp: 5 },
} as const;
