/**
 * One aggregate bucket of one code object in one run: count, errors, the duration distribution
 * (sum, min, max, sketch, exact values when small), self time, peak calls per minute and last call.
 * Buckets of the same key merge exactly (the sketch is mergeable), across minutes into hours and
 * across checkpoints.
 */
import type { DurationSummary, Histogram } from '../../shared/api';
import { DurationSketch } from './durationSketch';

export class AggBucket {
  count = 0;
  errors = 0;
  /** Highest calls in one minute inside this bucket (a minute bucket: its count). */
  maxPerMin = 0;
  /** Minutes with at least one call (a minute bucket: 1), for the mean rate per minute. */
  activeMinutes = 0;
  /** End time (ms) of the latest call. */
  lastCall = 0;
  dur = new DurationSketch();
  self: DurationSketch | undefined;

  /** Adds one call (only ever to a minute bucket, so the peak per minute is its count). */
  add(durationMs: number, error: boolean, endMs: number): void {
    this.count++;
    this.maxPerMin++;
    this.activeMinutes = 1;
    if (error) {
      this.errors++;
    }
    this.dur.add(durationMs);
    if (endMs > this.lastCall) {
      this.lastCall = endMs;
    }
  }

  addSelf(ms: number): void {
    (this.self ??= new DurationSketch()).add(ms);
  }

  /**
   * Merges `o` into this bucket. `sameMinute`: both hold calls of the same minute (so the peak per
   * minute adds up); otherwise the peak is the larger of the two.
   */
  merge(o: AggBucket, sameMinute: boolean): void {
    this.count += o.count;
    this.errors += o.errors;
    this.maxPerMin = sameMinute ? this.maxPerMin + o.maxPerMin : Math.max(this.maxPerMin, o.maxPerMin);
    this.activeMinutes = sameMinute ? Math.max(this.activeMinutes, o.activeMinutes) : this.activeMinutes + o.activeMinutes;
    this.lastCall = Math.max(this.lastCall, o.lastCall);
    this.dur.merge(o.dur);
    if (o.self) {
      (this.self ??= new DurationSketch()).merge(o.self);
    }
  }
}

/** p50…p99, mean and max of a distribution, in ms. */
export function summarize(d: DurationSketch): DurationSummary {
  if (d.count === 0) {
    return { mean: 0, p50: 0, p75: 0, p95: 0, p99: 0, max: 0 };
  }
  return {
    mean: d.sum / d.count,
    p50: d.quantile(0.5),
    p75: d.quantile(0.75),
    p95: d.quantile(0.95),
    p99: d.quantile(0.99),
    max: d.max,
  };
}

/** Histogram upper bounds in ms: 0.01 ms × 2^(k/2), up to ~11 minutes. */
export const HISTOGRAM_BOUNDS_MS: number[] = Array.from({ length: 54 }, (_, k) => Number((0.01 * Math.pow(2, k / 2)).toPrecision(3)));

function boundIndex(ms: number): number {
  const b = HISTOGRAM_BOUNDS_MS;
  let lo = 0;
  let hi = b.length - 1;
  if (ms > b[hi]) {
    return hi;
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (b[mid] >= ms) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

/**
 * Log-scale histogram of a distribution: exact from the kept values, else from the sketch's bins
 * (each bin's representative value). Empty leading and trailing buckets are trimmed.
 */
export function histogramOf(d: DurationSketch): Histogram {
  const counts = new Array<number>(HISTOGRAM_BOUNDS_MS.length).fill(0);
  if (d.samples && d.samples.length === d.count) {
    for (const v of d.samples) {
      counts[boundIndex(v)]++;
    }
  } else {
    const s = d.sketch;
    counts[0] += s.zeroCount;
    const bins = s.store.bins;
    for (let i = 0; i < bins.length; i++) {
      if (bins[i] > 0) {
        counts[boundIndex(s.mapping.value(i + s.store.offset))] += bins[i];
      }
    }
  }
  let first = counts.findIndex((c) => c > 0);
  if (first < 0) {
    return { bounds: [], counts: [] };
  }
  let last = counts.length - 1;
  while (counts[last] === 0) {
    last--;
  }
  first = Math.max(0, first);
  return { bounds: HISTOGRAM_BOUNDS_MS.slice(first, last + 1), counts: counts.slice(first, last + 1) };
}
