/**
 * Mergeable distribution of durations (ms): a DDSketch (1 % relative accuracy) plus the exact values
 * while there are at most EXACT_LIMIT of them, so small samples give exact percentiles. Serialised
 * compactly (non-empty bins as varints) for the store.
 */
import { DDSketch } from '@datadog/sketches-js';
import { ByteReader, ByteWriter } from './codec';

export const EXACT_LIMIT = 1000;
const RELATIVE_ACCURACY = 0.01;
const FORMAT = 1;

/** Linear interpolation between closest ranks of a sorted array. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) {
    return NaN;
  }
  const r = q * (n - 1);
  const lo = Math.floor(r);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (r - lo);
}

export class DurationSketch {
  sketch = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  /** Exact values while count ≤ EXACT_LIMIT, else undefined. */
  samples: number[] | undefined = [];
  private sorted = false;
  /** True once a value was taken back (see `remove`). */
  private hasRemovals = false;
  /** Removed values not found among the exact values yet. */
  private removedSamples: number[] | undefined;

  get count(): number {
    return this.sketch.count;
  }

  add(ms: number): void {
    const v = ms > 0 && Number.isFinite(ms) ? ms : 0;
    this.sketch.accept(v);
    if (this.samples) {
      if (this.samples.length >= EXACT_LIMIT) {
        this.samples = undefined;
      } else {
        this.samples.push(v);
        this.sorted = false;
      }
    }
  }

  /**
   * Takes one value back that was added before, here or in a sketch this one is merged with (a
   * span's self time recounted when a late child arrived). Its bin count goes down — a sketch made
   * only of removals has negative bins until it is merged where the value was added. Min and max
   * stay as they were (they bound the values).
   */
  remove(ms: number): void {
    const v = ms > 0 && Number.isFinite(ms) ? ms : 0;
    const s = this.sketch;
    if (v > s.mapping.minPossible) {
      s.store.add(s.mapping.key(v), -1);
    } else {
      s.zeroCount--;
    }
    s.count--;
    s.sum -= v;
    this.hasRemovals = true;
    if (this.samples) {
      // Added elsewhere (a row this delta merges into): taken from the exact list at the merge.
      (this.removedSamples ??= []).push(v);
      this.settleRemovals();
    }
  }

  /** Cancels pending removals against the exact values; while any is pending, the sketch answers. */
  private settleRemovals(): void {
    if (!this.samples || !this.removedSamples) {
      return;
    }
    this.removedSamples = this.removedSamples.filter((v) => {
      const i = this.samples!.indexOf(v);
      if (i < 0) {
        return true;
      }
      this.samples!.splice(i, 1);
      return false;
    });
    if (this.removedSamples.length === 0) {
      this.removedSamples = undefined;
    }
  }

  merge(other: DurationSketch): void {
    if (other.hasRemovals || this.hasRemovals) {
      this.mergeWithRemovals(other);
      return;
    }
    if (other.count === 0) {
      return;
    }
    this.sketch.merge(other.sketch);
    if (this.samples && other.samples && this.samples.length + other.samples.length <= EXACT_LIMIT) {
      for (const v of other.samples) {
        this.samples.push(v);
      }
      this.sorted = false;
      this.settleRemovals();
    } else {
      this.samples = undefined;
    }
  }

  /**
   * Bin by bin: the library's merge skips a store whose counts sum to zero and copies over one
   * whose counts do, which loses removals.
   */
  private mergeWithRemovals(other: DurationSketch): void {
    const a = this.sketch;
    const b = other.sketch;
    const bins = b.store.bins;
    for (let i = 0; i < bins.length; i++) {
      if (bins[i] !== 0) {
        a.store.add(i + b.store.offset, bins[i]);
      }
    }
    a.zeroCount += b.zeroCount;
    a.count += b.count;
    a.sum += b.sum;
    if (b.min < a.min) {
      a.min = b.min;
    }
    if (b.max > a.max) {
      a.max = b.max;
    }
    this.hasRemovals = true;
    if (this.samples && other.samples === undefined) {
      this.samples = undefined;
    } else if (this.samples && other.samples) {
      for (const v of other.samples) {
        this.samples.push(v);
      }
      this.sorted = false;
      if (other.removedSamples) {
        (this.removedSamples ??= []).push(...other.removedSamples);
      }
      this.settleRemovals();
      if (this.samples.length > EXACT_LIMIT) {
        this.samples = undefined;
      }
    }
  }

  /** Quantile in ms: exact while the samples are kept, else from the sketch (clamped to min/max). */
  quantile(q: number): number {
    if (this.count === 0) {
      return 0;
    }
    if (this.samples && this.samples.length === this.count) {
      if (!this.sorted) {
        this.samples.sort((a, b) => a - b);
        this.sorted = true;
      }
      return quantileOfSorted(this.samples, q);
    }
    const v = this.sketch.getValueAtQuantile(q);
    return Math.min(this.sketch.max, Math.max(this.sketch.min, v));
  }

  get max(): number {
    return this.count <= 0 ? 0 : this.exact() ? this.quantile(1) : this.sketch.max;
  }

  get min(): number {
    return this.count <= 0 ? 0 : this.exact() ? this.quantile(0) : this.sketch.min;
  }

  /** True while the exact values are all kept (then they, not the sketch, answer). */
  private exact(): boolean {
    return this.samples !== undefined && this.samples.length === this.count;
  }

  get sum(): number {
    return this.sketch.sum;
  }

  encode(): Uint8Array {
    const w = new ByteWriter();
    const s = this.sketch;
    const bins = s.store.bins;
    // Bins are never negative where removals met their values; clamp anything else (a removal whose
    // value was rolled up elsewhere) rather than store a negative count.
    let positive = Math.max(0, s.zeroCount);
    for (let i = 0; i < bins.length; i++) {
      if (bins[i] > 0) {
        positive += bins[i];
      }
    }
    w.uvarint(FORMAT);
    w.uvarint(positive);
    w.uvarint(Math.max(0, s.zeroCount));
    w.f64(s.sum);
    w.f64(positive === 0 ? 0 : s.min);
    w.f64(positive === 0 ? 0 : s.max);
    let nonEmpty = 0;
    for (let i = 0; i < bins.length; i++) {
      if (bins[i] > 0) {
        nonEmpty++;
      }
    }
    w.uvarint(nonEmpty);
    let prevKey = 0;
    for (let i = 0; i < bins.length; i++) {
      if (bins[i] > 0) {
        const key = i + s.store.offset;
        w.svarint(key - prevKey);
        w.uvarint(bins[i]);
        prevKey = key;
      }
    }
    const samples = this.samples && this.samples.length === positive ? this.samples : undefined;
    w.uvarint(samples ? samples.length + 1 : 0);
    for (const v of samples ?? []) {
      w.f64(v);
    }
    return w.bytes();
  }

  static decode(blob: Uint8Array): DurationSketch {
    const r = new ByteReader(blob);
    const d = new DurationSketch();
    const format = r.uvarint();
    if (format !== FORMAT) {
      throw new Error(`unknown sketch format ${format}`);
    }
    const count = r.uvarint();
    const zeroCount = r.uvarint();
    const sum = r.f64();
    const min = r.f64();
    const max = r.f64();
    const s = d.sketch;
    const n = r.uvarint();
    let key = 0;
    for (let i = 0; i < n; i++) {
      key += r.svarint();
      s.store.add(key, r.uvarint());
    }
    s.zeroCount = zeroCount;
    s.count = count;
    s.sum = sum;
    s.min = count === 0 ? Infinity : min;
    s.max = count === 0 ? -Infinity : max;
    const ns = r.uvarint();
    if (ns === 0) {
      d.samples = undefined;
    } else {
      const arr: number[] = [];
      for (let i = 0; i < ns - 1; i++) {
        arr.push(r.f64());
      }
      d.samples = arr;
    }
    return d;
  }
}
