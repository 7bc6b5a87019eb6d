/** Time intervals, as the store's self time and the insights' coverage figures both measure them. */

/**
 * Length of the union of [start, end) intervals clipped to [lo, hi), without allocating per call:
 * `begin(lo, hi)`, `add(start, end)` for each interval, then `length()`. The intervals are kept in
 * reused typed arrays, in start order as they come (children usually arrive in start order), and
 * sorted only when they did not. One shared instance (`union`) serves all synchronous callers.
 */
export class IntervalUnion {
  private starts = new Float64Array(64);
  private ends = new Float64Array(64);
  private n = 0;
  private sorted = true;
  private lo = 0;
  private hi = 0;

  begin(lo: number, hi: number): void {
    this.n = 0;
    this.sorted = true;
    this.lo = lo;
    this.hi = hi;
  }

  add(start: number, end: number): void {
    const s = Math.max(start, this.lo);
    const e = Math.min(end, this.hi);
    if (!(e > s)) {
      return;
    }
    const n = this.n;
    if (n === this.starts.length) {
      const starts = new Float64Array(n * 2);
      const ends = new Float64Array(n * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    if (n > 0 && s < this.starts[n - 1]) {
      this.sorted = false;
    }
    this.starts[n] = s;
    this.ends[n] = e;
    this.n = n + 1;
  }

  length(): number {
    const n = this.n;
    if (n === 0) {
      return 0;
    }
    if (!this.sorted) {
      this.sort();
    }
    const starts = this.starts;
    const ends = this.ends;
    let total = 0;
    let cs = starts[0];
    let ce = ends[0];
    for (let i = 1; i < n; i++) {
      const s = starts[i];
      const e = ends[i];
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

  private sort(): void {
    const n = this.n;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.starts[a] - this.starts[b]);
    const starts = order.map((i) => this.starts[i]);
    const ends = order.map((i) => this.ends[i]);
    this.starts.set(starts);
    this.ends.set(ends);
    this.sorted = true;
  }
}

/** The shared instance for synchronous use (begin … length() with nothing else in between). */
export const union = new IntervalUnion();

/** Length of the union of [start, end) intervals, clipped to [lo, hi). */
export function unionLength(intervals: readonly (readonly [number, number])[], lo: number, hi: number): number {
  if (intervals.length === 1) {
    // Most spans with children have one.
    const [s, e] = intervals[0];
    return Math.max(0, Math.min(e, hi) - Math.max(s, lo));
  }
  union.begin(lo, hi);
  for (const [s, e] of intervals) {
    union.add(s, e);
  }
  return union.length();
}
