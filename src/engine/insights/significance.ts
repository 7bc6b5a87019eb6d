/**
 * Is a duration change real? Mann–Whitney U on raw samples when both sides have enough of them,
 * else on the store's histograms (bucket upper bounds as values, ties corrected) so runs and windows
 * whose raw spans are gone can still be tested.
 */
import type { Histogram } from '../../shared/api';
import type { MannWhitneyResult } from './stats';
import { mannWhitney, mannWhitneyGrouped } from './stats';

export function mannWhitneyHistograms(a: Histogram, b: Histogram): MannWhitneyResult | undefined {
  const m = new Map<number, { value: number; a: number; b: number }>();
  const add = (h: Histogram, side: 'a' | 'b'): void => {
    h.bounds.forEach((bound, i) => {
      const c = h.counts[i] ?? 0;
      if (c > 0) {
        const g = m.get(bound) ?? { value: bound, a: 0, b: 0 };
        g[side] += c;
        m.set(bound, g);
      }
    });
  };
  add(a, 'a');
  add(b, 'b');
  return mannWhitneyGrouped([...m.values()].sort((x, y) => x.value - y.value));
}

export interface SignificanceInput {
  samplesA: number[];
  samplesB: number[];
  histogramA?: Histogram;
  histogramB?: Histogram;
  minSamples: number;
}

export interface Significance {
  p: number;
  source: 'samples' | 'histogram';
}

export function significance(inp: SignificanceInput): Significance | undefined {
  if (inp.samplesA.length >= inp.minSamples && inp.samplesB.length >= inp.minSamples) {
    const r = mannWhitney(inp.samplesA, inp.samplesB);
    return r ? { p: r.p, source: 'samples' } : undefined;
  }
  if (inp.histogramA && inp.histogramB) {
    const r = mannWhitneyHistograms(inp.histogramA, inp.histogramB);
    return r ? { p: r.p, source: 'histogram' } : undefined;
  }
  return undefined;
}
