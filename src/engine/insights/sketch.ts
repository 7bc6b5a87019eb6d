/**
 * Quantiles of a stream of durations: exact while there are fewer than 1,000 samples, then a
 * DDSketch with 1 % relative accuracy (the catalog's rule for every statistic).
 */
import { DDSketch } from '@datadog/sketches-js';
import { quantileSorted } from './stats';

export const EXACT_SAMPLE_LIMIT = 1000;

export class DurationDigest {
  private values: number[] | undefined = [];
  private sketch: DDSketch | undefined;
  private sorted = true;
  count = 0;

  add(value: number): void {
    this.count++;
    if (this.values) {
      if (this.values.length > 0 && value < this.values[this.values.length - 1]) {
        this.sorted = false;
      }
      this.values.push(value);
      if (this.values.length >= EXACT_SAMPLE_LIMIT) {
        this.sketch = new DDSketch({ relativeAccuracy: 0.01 });
        for (const v of this.values) {
          this.sketch.accept(Math.max(v, 0));
        }
        this.values = undefined;
      }
    } else {
      this.sketch!.accept(Math.max(value, 0));
    }
  }

  quantile(q: number): number {
    if (this.values) {
      if (!this.sorted) {
        this.values.sort((a, b) => a - b);
        this.sorted = true;
      }
      return quantileSorted(this.values, q);
    }
    return this.sketch!.getValueAtQuantile(q);
  }

  /** True once the digest answers from the sketch rather than exactly. */
  get approximate(): boolean {
    return this.values === undefined;
  }
}
