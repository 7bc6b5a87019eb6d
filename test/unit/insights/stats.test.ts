import * as assert from 'node:assert/strict';
import { DDSketch } from '@datadog/sketches-js';
import { DurationDigest, EXACT_SAMPLE_LIMIT } from '../../../src/engine/insights/sketch';
import { mannWhitney, mannWhitneyExactCdf, mannWhitneyGrouped, midRanks, normalCdf, quantileSorted, spearman } from '../../../src/engine/insights/stats';
import { mannWhitneyHistograms } from '../../../src/engine/insights/significance';
import { rng } from '../../support/traceBuilder';

/** Largest U with two-sided P(U ≤ u) ≤ α under the exact null distribution. */
function criticalU(n1: number, n2: number, alpha: number): number {
  let u = -1;
  while (2 * mannWhitneyExactCdf(n1, n2, u + 1) <= alpha) {
    u++;
  }
  return u;
}

describe('insights/stats', () => {
  describe('Mann–Whitney U', () => {
    // Published critical values of U (two-sided): the standard table of Mann & Whitney (1947) as
    // reprinted in e.g. Siegel & Castellan, "Nonparametric Statistics for the Behavioral Sciences"
    // (1988), Table J, and in most statistics textbooks' appendix "Critical values of the
    // Mann–Whitney U": reject H0 when U ≤ the value.
    const published: [number, number, number, number][] = [
      // n1, n2, α = 0.05, α = 0.01
      [5, 5, 2, 0],
      [6, 6, 5, 2],
      [7, 7, 8, 4],
      [8, 8, 13, 7],
      [9, 9, 17, 11],
      [10, 10, 23, 16],
      [12, 12, 37, 27],
      [15, 15, 64, 51],
      [20, 20, 127, 105],
      [8, 12, 22, 15],
      [5, 10, 8, 4],
    ];
    for (const [n1, n2, c05, c01] of published) {
      it(`exact distribution gives the published critical values for n1=${n1}, n2=${n2}`, () => {
        assert.equal(criticalU(n1, n2, 0.05), c05);
        assert.equal(criticalU(n1, n2, 0.01), c01);
      });
    }

    it('tests samples with U exactly at and just above the critical value (n1=n2=10, α=0.05, U_crit=23)', () => {
      // b is 1..10 shifted so that exactly `u` pairs have a > b: build a with a chosen U.
      const withU = (u: number): [number[], number[]] => {
        const b = Array.from({ length: 10 }, (_, i) => 10 * (i + 1));
        // a_j placed between b values so that a total of u (a > b) pairs arise.
        const a: number[] = [];
        let left = u;
        for (let j = 0; j < 10; j++) {
          const above = Math.min(10, left);
          left -= above;
          a.push(above === 0 ? 1 + j * 0.1 : 10 * above + 1 + j * 0.01);
        }
        return [a, b];
      };
      const at = mannWhitney(...withU(23))!;
      assert.equal(at.u, 23);
      assert.equal(at.method, 'exact');
      assert.ok(at.p <= 0.05, `p=${at.p}`);
      const above = mannWhitney(...withU(24))!;
      assert.equal(above.u, 24);
      assert.ok(above.p > 0.05, `p=${above.p}`);
    });

    it('normal approximation agrees with the exact test near its limit', () => {
      const r = rng(7);
      for (let k = 0; k < 5; k++) {
        const a = Array.from({ length: 30 }, () => r());
        const b = Array.from({ length: 30 }, () => r() + 0.15);
        const exact = mannWhitney(a, b)!;
        assert.equal(exact.method, 'exact');
        const n = a.length + b.length;
        const z = (Math.abs(exact.u1 - 450) - 0.5) / Math.sqrt((900 * (n + 1)) / 12);
        const approx = 2 * (1 - normalCdf(z));
        assert.ok(Math.abs(exact.p - approx) < 0.01, `exact ${exact.p} vs normal ${approx}`);
      }
    });

    it('corrects for ties and uses the normal approximation for them', () => {
      const a = [1, 1, 1, 2, 2, 3, 3, 3, 3, 4];
      const b = [3, 3, 4, 4, 4, 5, 5, 5, 6, 6];
      const r = mannWhitney(a, b)!;
      assert.equal(r.method, 'normal');
      assert.equal(r.u1, 7.5); // 4 ties of a=3 with b=3 (×½·2), a=4 beats two 3s and ties three 4s
      // Variance with ties: n1 n2/12 · (n+1 − Σ(t³−t)/(n(n−1))) where the tie groups are 3,2,6,4,3,2.
      const tie = [3, 2, 6, 4, 3, 2].reduce((s, t) => s + t ** 3 - t, 0);
      const v = (100 / 12) * (21 - tie / 380);
      const expected = 2 * (1 - normalCdf((50 - 7.5 - 0.5) / Math.sqrt(v)));
      assert.ok(Math.abs(r.p - expected) < 1e-12);
      assert.ok(r.p < 0.01);
    });

    it('gives p = 1 for identical samples and undefined for an empty side', () => {
      assert.equal(mannWhitney([5, 5, 5], [5, 5, 5])!.p, 1);
      assert.equal(mannWhitney([], [1]), undefined);
      assert.equal(mannWhitneyGrouped([]), undefined);
    });

    it('on histograms equals the test on the bucketed values', () => {
      const r = rng(3);
      const a = Array.from({ length: 200 }, () => Math.exp(r() * 3));
      const b = Array.from({ length: 200 }, () => Math.exp(r() * 3 + 0.4));
      const bounds = [1, 2, 5, 10, 20, 50];
      const bucket = (x: number): number => bounds.find((bd) => x <= bd) ?? 50;
      const hist = (xs: number[]) => ({ bounds, counts: bounds.map((bd) => xs.filter((x) => bucket(x) === bd).length) });
      const viaHist = mannWhitneyHistograms(hist(a), hist(b))!;
      const viaRaw = mannWhitney(a.map(bucket), b.map(bucket))!;
      assert.equal(viaHist.u1, viaRaw.u1);
      assert.ok(Math.abs(viaHist.p - viaRaw.p) < 1e-12);
      assert.ok(viaHist.p < 0.05);
    });
  });

  describe('ranks and correlation', () => {
    it('mid-ranks ties', () => {
      assert.deepEqual(midRanks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
    });
    it("Spearman's ρ: monotone = 1, reversed = −1, known value with ties", () => {
      assert.equal(spearman([1, 2, 3, 4], [1, 10, 100, 1000]), 1);
      assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
      // x ranks 1,2,3,4,5; y = [2,1,4,3,5] → ρ = 1 − 6·Σd²/(n(n²−1)) = 1 − 6·4/120 = 0.8
      assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) - 0.8) < 1e-12);
      assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])));
    });
  });

  describe('quantiles', () => {
    it('exact quantiles interpolate between ranks', () => {
      assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
      assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
      assert.ok(Number.isNaN(quantileSorted([], 0.5)));
    });

    for (const [name, gen] of [
      ['log-normal', (r: () => number) => Math.exp(2 + 1.2 * Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r()))],
      ['exponential', (r: () => number) => -50 * Math.log(1 - r())],
      ['bimodal', (r: () => number) => (r() < 0.8 ? 5 + r() * 10 : 300 + r() * 400)],
    ] as [string, (r: () => number) => number][]) {
      it(`DDSketch quantiles are within 1 % of exact on 100k ${name} samples`, () => {
        const r = rng(42);
        const values = Array.from({ length: 100_000 }, () => gen(r));
        const digest = new DurationDigest();
        for (const v of values) {
          digest.add(v);
        }
        assert.ok(digest.approximate);
        const sorted = Float64Array.from(values).sort();
        for (const q of [0.5, 0.75, 0.9, 0.95, 0.99, 0.999]) {
          // The value at rank ⌊q·(n−1)⌋, the rank DDSketch answers for.
          const exact = sorted[Math.floor(q * (sorted.length - 1))];
          const got = digest.quantile(q);
          const err = Math.abs(got - exact) / exact;
          assert.ok(err <= 0.01, `${name} q${q}: sketch ${got} vs exact ${exact} (${(err * 100).toFixed(3)} %)`);
        }
      });
    }

    it('is exact below 1,000 samples and switches to the sketch at the limit', () => {
      const d = new DurationDigest();
      for (let i = EXACT_SAMPLE_LIMIT - 1; i >= 1; i--) {
        d.add(i);
      }
      assert.equal(d.approximate, false);
      assert.equal(d.quantile(0.5), 500);
      d.add(1000);
      assert.equal(d.approximate, true);
      const sk = new DDSketch({ relativeAccuracy: 0.01 });
      for (let i = 1; i <= 1000; i++) {
        sk.accept(i);
      }
      assert.equal(d.quantile(0.5), sk.getValueAtQuantile(0.5));
    });
  });
});
