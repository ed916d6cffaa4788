/**
 * The most units started within any window of `ms` that begins at a start (a plain number is one
 * unit at that instant): how rate limits are checked from the instants they let calls through.
 */
export function busiestWindow(starts: Array<number | { at: number; units: number }>, ms: number): number {
  const sorted = starts
    .map((s) => (typeof s === 'number' ? { at: s, units: 1 } : s))
    .sort((a, b) => a.at - b.at);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let sum = 0;
    for (let j = i; j < sorted.length && sorted[j]!.at < sorted[i]!.at + ms; j++) sum += sorted[j]!.units;
    most = Math.max(most, sum);
  }
  return most;
}
