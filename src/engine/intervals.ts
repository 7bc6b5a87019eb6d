/** Time intervals, as the store's self time and the insights' coverage figures both measure them. */

/** Length of the union of [start, end) intervals, clipped to [lo, hi). */
export function unionLength(intervals: readonly (readonly [number, number])[], lo: number, hi: number): number {
  if (intervals.length === 1) {
    // Most spans with children have one: no copies, no sort.
    const [s, e] = intervals[0];
    return Math.max(0, Math.min(e, hi) - Math.max(s, lo));
  }
  const xs = intervals
    .map(([s, e]) => [Math.max(s, lo), Math.min(e, hi)] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  if (xs.length === 0) {
    return 0;
  }
  let total = 0;
  let [cs, ce] = xs[0];
  for (const [s, e] of xs) {
    if (s > ce) {
      total += ce - cs;
      cs = s;
      ce = e;
    } else if (e > ce) {
      ce = e;
    }
  }
  return total + (ce - cs);
}
