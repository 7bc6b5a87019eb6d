/**
 * Running generator-shaped work (an evaluation of the insights) either to the end at once, or in
 * slices of a few milliseconds with `setImmediate` in between, so the query API and the receivers
 * keep answering while it runs.
 */
import { performance } from 'node:perf_hooks';

/** What a sliced run cost: wall time from start to end, the slices and the longest one (ms). */
export interface SliceStats {
  totalMs: number;
  busyMs: number;
  slices: number;
  longestSliceMs: number;
}

export function runToEnd<T>(work: Generator<void, T, void>): T {
  for (;;) {
    const r = work.next();
    if (r.done) {
      return r.value;
    }
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `work`, handing the event loop back whenever a slice has taken `sliceMs` or more. */
export async function runSliced<T>(work: Generator<void, T, void>, sliceMs: number, stats?: SliceStats): Promise<T> {
  const t0 = performance.now();
  let start = t0;
  const s: SliceStats = stats ?? { totalMs: 0, busyMs: 0, slices: 0, longestSliceMs: 0 };
  const endSlice = (): void => {
    const ms = performance.now() - start;
    s.slices++;
    s.busyMs += ms;
    s.longestSliceMs = Math.max(s.longestSliceMs, ms);
  };
  try {
    for (;;) {
      const r = work.next();
      if (r.done) {
        return r.value;
      }
      if (performance.now() - start >= sliceMs) {
        endSlice();
        await nextTurn();
        start = performance.now();
      }
    }
  } finally {
    endSlice();
    s.totalMs = performance.now() - t0;
  }
}
