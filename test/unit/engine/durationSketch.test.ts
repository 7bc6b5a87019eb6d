import * as assert from 'node:assert/strict';
import { DurationSketch } from '../../../src/engine/aggregates/durationSketch';

const of = (values: number[]): DurationSketch => {
  const d = new DurationSketch();
  for (const v of values) {
    d.add(v);
  }
  return d;
};

describe('duration sketch: taking values back (self time recounted)', () => {
  it('removing a value it holds gives exactly the sketch of the others', () => {
    const d = of([5, 10, 20, 40]);
    d.remove(40);
    assert.deepEqual([d.count, d.sum, d.quantile(0.5), d.max, d.min], [3, 35, 10, 20, 5]);
  });

  it('a removal in a delta meets its value when merged with the row that holds it, both ways round', () => {
    const row = () => of(Array.from({ length: 10 }, (_, i) => 10 + i)); // 10..19
    const delta = () => {
      const x = new DurationSketch();
      x.remove(19);
      x.add(12);
      return x;
    };
    for (const merged of [(() => { const r = row(); r.merge(delta()); return r; })(), (() => { const x = new DurationSketch(); x.merge(delta()); x.merge(row()); return x; })()]) {
      assert.equal(merged.count, 10);
      assert.equal(merged.sum, 145 - 19 + 12);
      assert.equal(merged.max, 18, 'exact values answer again once the removal met its value');
      assert.equal(merged.quantile(0.5), 13.5); // 10 11 12 12 13 | 14 15 16 17 18
    }
  });

  it('round-trips through encode/decode after a merged removal, and clamps a removal that never met its value', () => {
    const r = of([1, 2, 3]);
    const x = new DurationSketch();
    x.remove(3);
    r.merge(x);
    const back = DurationSketch.decode(r.encode());
    assert.deepEqual([back.count, back.max, back.quantile(0.5)], [2, 2, 1.5]);
    const orphan = new DurationSketch();
    orphan.remove(7);
    const decoded = DurationSketch.decode(orphan.encode());
    assert.equal(decoded.count, 0);
  });

  it('past the exact limit, quantiles from the sketch stay within 1 % after removals', () => {
    const values = Array.from({ length: 5000 }, (_, i) => 1 + (i % 500));
    const d = of(values);
    const delta = new DurationSketch();
    for (let i = 0; i < 1000; i++) {
      delta.remove(500 - (i % 100)); // take back 1,000 of the largest values
    }
    d.merge(delta);
    const rest = [...values];
    for (let i = 0; i < 1000; i++) {
      rest.splice(rest.indexOf(500 - (i % 100)), 1);
    }
    rest.sort((a, b) => a - b);
    assert.equal(d.count, rest.length);
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = rest[Math.floor(q * (rest.length - 1))];
      assert.ok(Math.abs(d.quantile(q) - exact) / exact <= 0.011, `q${q}: ${d.quantile(q)} vs ${exact}`);
    }
  });
});
