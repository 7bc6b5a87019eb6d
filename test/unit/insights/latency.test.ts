import * as assert from 'node:assert/strict';
import type { AssembledTrace } from '../../../src/engine/model';
import { rng, traces } from '../../support/traceBuilder';
import { evaluate, ofType, T0, warnings } from './helpers';

const JOB = 'span:shop:app:job';

/** Root INTERNAL `job` spans (no endpoint) with the given durations, `everyMs` apart from `startMs`. */
function jobs(durations: number[], startMs = T0, runId?: string, everyMs = 60_000): AssembledTrace[] {
  return traces(durations.length, (tb, i) => void tb.add('job', { durMs: durations[i] }), { startMs, everyMs, runId });
}

describe('insights/latency', () => {
  describe('slowEndpoint', () => {
    const service = (p50s: number[]) =>
      traces(30 * p50s.length, (tb, i) => void tb.server('GET', `/e${i % p50s.length}`, { durMs: p50s[i % p50s.length] }));
    it('raises when p50 ≥ 1.5× the service median and ≥ 100 ms', () => {
      const { insights } = evaluate(service([80, 100, 150]));
      assert.deepEqual(warnings(insights), ['slowEndpoint endpoint:shop:GET /e2']);
      const i = ofType(insights, 'slowEndpoint')[0];
      assert.equal(i.figures.p50Ms, 150);
      assert.equal(i.figures.typicalP50Ms, 100);
      assert.equal(i.figures.slowerBy, 0.5);
    });
    it('does not raise at 1.49× (near miss on the ratio)', () => {
      assert.deepEqual(warnings(evaluate(service([80, 100, 149])).insights), []);
    });
    it('does not raise below 100 ms even at 1.65× (near miss on the floor)', () => {
      assert.deepEqual(warnings(evaluate(service([40, 60, 99])).insights), []);
    });
  });

  describe('slowQuery', () => {
    const db = (slowMs: number, typicalMs = 5) =>
      traces(20, (tb) => {
        const root = tb.server('GET', '/report', { durMs: 400 });
        for (let s = 0; s < 5; s++) {
          root.child(`part${s}`, { atMs: s * 30, durMs: 29 }).db(`SELECT sum(x) FROM t${s} WHERE k = ${s}`, { durMs: s === 4 ? slowMs : typicalMs });
        }
      });
    it('raises when a statement p50 is ≥ 3× the typical statement of its database and ≥ 20 ms', () => {
      const { insights } = evaluate(db(20));
      assert.deepEqual(warnings(insights), ['slowQuery span:shop:@opentelemetry/instrumentation-pg:SELECT app']);
      const q = ofType(insights, 'slowQuery')[0];
      assert.equal(q.figures.statement, 'SELECT sum(x) FROM t4 WHERE k = ?');
      assert.equal(q.figures.p50Ms, 20);
      assert.equal(q.figures.typicalP50Ms, 5);
    });
    it('does not raise at 19 ms (near miss on the floor)', () => {
      assert.deepEqual(warnings(evaluate(db(19)).insights), []);
    });
    it('does not raise at 2.9× (near miss on the ratio)', () => {
      assert.deepEqual(warnings(evaluate(db(23.2, 8)).insights), []);
    });
  });

  describe('longTail', () => {
    const tail = (n: number, slowMs: number) => jobs(Array.from({ length: n }, (_, i) => (i % 50 === 49 ? slowMs : 10)));
    it('raises when p99 ≥ 5× p50 with ≥ 100 samples', () => {
      const { insights } = evaluate(tail(100, 60));
      assert.deepEqual(warnings(insights), [`longTail ${JOB}`]);
      assert.equal(ofType(insights, 'longTail')[0].figures.ratio, 6);
    });
    it('does not raise with 99 samples (near miss)', () => {
      assert.deepEqual(warnings(evaluate(tail(99, 60)).insights), []);
    });
    it('does not raise at 4.9× (near miss)', () => {
      assert.deepEqual(warnings(evaluate(tail(100, 49)).insights), []);
    });
  });

  describe('durationChange', () => {
    const now = T0 + 3 * 3600_000;
    /** 40 jobs in the hour before the last one, and 40 in the last hour `factor` slower, with ±2 % jitter. */
    const shift = (factor: number, recentN = 40, baseMs = 10) => {
      const r = rng(11);
      const j = () => 1 + (r() - 0.5) * 0.04;
      return [
        ...jobs(Array.from({ length: 40 }, () => baseMs * j()), now - 2 * 3600_000, undefined, 60_000),
        ...jobs(Array.from({ length: recentN }, () => baseMs * factor * j()), now - 3600_000 + 1000, undefined, 60_000),
      ];
    };
    it('raises an active change at +15 % with a significant Mann–Whitney test', () => {
      const { insights } = evaluate(shift(1.15), { now });
      assert.deepEqual(warnings(insights), [`durationChange ${JOB}`]);
      const c = ofType(insights, 'durationChange')[0];
      assert.equal(c.status, 'active');
      assert.ok((c.figures.pValue as number) < 0.01);
      assert.equal(c.figures.pValueSource, 'samples');
      assert.ok(Math.abs((c.figures.p50Change as number) - 0.15) < 0.02);
      assert.equal(c.severity, 'low');
      assert.ok(c.sampleTraceIds.slowest && c.sampleTraceIds.baselineMedian);
    });
    it('does not raise at +9 % (near miss)', () => {
      assert.deepEqual(warnings(evaluate(shift(1.09), { now }).insights), []);
    });
    it('does not raise with 29 recent samples (near miss)', () => {
      assert.deepEqual(warnings(evaluate(shift(1.5, 29), { now }).insights), []);
    });
    it('does not raise on a change of less than 10 µs', () => {
      assert.deepEqual(warnings(evaluate(shift(1.15, 40, 0.05), { now }).insights), []);
    });
    it('stays evaluating when the samples do not differ significantly', () => {
      const r = rng(5);
      const noisy = [
        ...jobs(Array.from({ length: 30 }, () => 2 + r() * 16), now - 2 * 3600_000),
        ...jobs(Array.from({ length: 30 }, () => 2 + r() * 19), now - 3600_000 + 1000),
      ];
      const c = ofType(evaluate(noisy, { now }).insights, 'durationChange');
      assert.equal(c.length, 1);
      assert.equal(c[0].status, 'evaluating');
      assert.ok((c[0].figures.pValue as number) >= 0.01);
    });
    it('compares the latest run with the previous run when there are runs', () => {
      const r = rng(2);
      const both = [...jobs(Array.from({ length: 40 }, () => 10 + r()), T0, 'v1', 1000), ...jobs(Array.from({ length: 40 }, () => 13 + r()), T0 + 60_000, 'v2', 1000)];
      const c = ofType(evaluate(both, { now }).insights, 'durationChange');
      assert.equal(c.length, 1);
      assert.equal(c[0].figures.comparison, 'run v1 → v2');
      assert.equal(c[0].status, 'active');
      assert.ok((c[0].figures.p50Change as number) > 0.25);
    });
  });
});
