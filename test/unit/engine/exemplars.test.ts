import * as assert from 'node:assert/strict';
import { ExemplarSampler } from '../../../src/engine/store/exemplars';
import { rng as seeded } from '../../support/traceBuilder';

const ids = (list: { traceId: string }[]): string[] => list.map((e) => e.traceId);

describe('exemplar sampler: slowest, latest errors, uniform random sample', () => {
  it('keeps the n slowest calls in order, ties after the earlier ones, and says which offers kept the trace', () => {
    const x = new ExemplarSampler(3, seeded(1));
    const durations = [5, 40, 7, 40, 90, 1, 60, 40];
    const kept = durations.map((d, i) => x.offer(1, `t${i}`, d, false, i));
    assert.deepEqual(ids(x.exemplars(1).slowest), ['t4', 't6', 't1']);
    assert.deepEqual(
      x.exemplars(1).slowest.map((e) => e.durationMs),
      [90, 60, 40],
    );
    // The first three fill every role; later ones are kept only when they enter the top 3.
    assert.deepEqual(kept.slice(0, 3), [true, true, true]);
    assert.equal(kept[5], false, 'a fast call after the reservoir filled is kept by no role (unless drawn)');
    assert.equal(x.isKept('t4'), true);
  });

  it('keeps the latest n calls with errors, and forgets a trace that no role holds any more', () => {
    const x = new ExemplarSampler(2, () => 0.999_999);
    for (let i = 0; i < 6; i++) {
      x.offer(7, `e${i}`, 1, true, i);
    }
    assert.deepEqual(ids(x.exemplars(7).error), ['e4', 'e5']);
    // e2 and e3 were replaced in every role (the random role keeps e0 and e1: random() near 1
    // draws long skips).
    assert.equal(x.isKept('e2'), false);
    assert.equal(x.isKept('e3'), false);
    assert.deepEqual(ids(x.exemplars(7).random), ['e0', 'e1']);
  });

  it('a trace offered twice for the same code object is held once per role', () => {
    const x = new ExemplarSampler(3, seeded(2));
    x.offer(1, 'same', 10, true, 0);
    x.offer(1, 'same', 20, true, 1);
    const ex = x.exemplars(1);
    assert.deepEqual([ids(ex.slowest), ids(ex.error), ids(ex.random)], [['same'], ['same'], ['same']]);
  });

  it('the random role is a uniform sample of every call seen (each of 30 calls kept with probability 3/30)', () => {
    const trials = 20_000;
    const calls = 30;
    const n = 3;
    const counts = new Array<number>(calls).fill(0);
    const random = seeded(42);
    for (let k = 0; k < trials; k++) {
      const x = new ExemplarSampler(n, random);
      for (let i = 0; i < calls; i++) {
        x.offer(1, `c${i}`, 1, false, i);
      }
      for (const e of x.exemplars(1).random) {
        counts[Number(e.traceId.slice(1))]++;
      }
    }
    // Standard error of each frequency: sqrt(0.1 × 0.9 / 20,000) ≈ 0.0021; allow 5 of them.
    for (let i = 0; i < calls; i++) {
      const f = counts[i] / trials;
      assert.ok(Math.abs(f - n / calls) < 0.0106, `call ${i} kept in ${(f * 100).toFixed(2)} % of the trials, expected 10 %`);
    }
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      trials * n,
    );
  });

  it('draws far fewer random numbers than calls once the reservoir is full (the skip is drawn at once)', () => {
    let draws = 0;
    const random = seeded(7);
    const x = new ExemplarSampler(3, () => (draws++, random()));
    for (let i = 0; i < 100_000; i++) {
      x.offer(1, `r${i}`, 1, false, i);
    }
    // Algorithm R draws once per call (100,000); L 3 per replacement, of which there are ~3 × ln(100,000 / 3) ≈ 31.
    assert.ok(draws < 500, `${draws} draws`);
    assert.equal(x.exemplars(1).random.length, 3);
  });
});
