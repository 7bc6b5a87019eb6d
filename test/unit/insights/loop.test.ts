import * as assert from 'node:assert/strict';
import type { Insight } from '../../../src/shared/api';
import { insightCodeObjects } from '../../../src/shared/api';
import { compareWithEngine } from '../../../src/engine/insights/compare';
import { defaultConfig } from '../../../src/engine/config';
import { InsightEngine } from '../../../src/engine/insights/engine';
import type { SliceStats } from '../../../src/engine/insights/slices';
import { createInsightsPart } from '../../../src/engine/insightsPart';
import { silentLogger } from '../../../src/engine/logger';
import { plantBottleneck, plantNPlusOne } from '../../support/traceBuilder';
import { MemoryReader } from './memoryReader';
import { T0, warnings } from './helpers';

describe('insights/background evaluation', () => {
  const all = [...plantNPlusOne(40, 40, 6), ...plantBottleneck(40, 40, 0.6)];
  const now = T0 + 24 * 3600_000;

  it('gives the same insights in slices as at once, handing the event loop back in between', async () => {
    const once = new InsightEngine();
    const sliced = new InsightEngine();
    for (const t of all) {
      once.observeTrace(t);
      sliced.observeTrace(t);
    }
    const reader = new MemoryReader(all);
    const stats: SliceStats = { totalMs: 0, busyMs: 0, slices: 0, longestSliceMs: 0 };
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const got = await sliced.evaluateSliced(reader, now, 0, stats);
    clearInterval(ticker);
    assert.deepEqual(got, once.evaluate(reader, now));
    assert.deepEqual(sliced.lastFailures, []);
    assert.ok(stats.slices > 10, `${stats.slices} slices`);
    assert.ok(turns > 0, 'timers ran during the evaluation');
    assert.deepEqual(warnings(got), [
      'bottleneck span:shop:app:hashPassword',
      'nPlusOne endpoint:shop:GET /orders',
      'nPlusOne span:shop:@opentelemetry/instrumentation-pg:SELECT app',
    ]);
  });

  it('answers queries from the last evaluation; `fresh` waits for one that includes every observed trace', async () => {
    const reader = new MemoryReader(all);
    const part = createInsightsPart(reader, defaultConfig(), silentLogger);
    try {
      for (const t of all) {
        part.observer.observeTrace(t);
      }
      // Nothing evaluated yet: the answer comes at once, from the (empty) last result.
      assert.equal(part.provider.version!(), 0);
      const stale = part.provider.insights({});
      assert.ok(Array.isArray(stale));
      assert.deepEqual(stale, []);
      const fresh = await part.provider.insights({ fresh: true });
      assert.deepEqual(warnings(fresh).filter((w) => w.startsWith('nPlusOne')), ['nPlusOne endpoint:shop:GET /orders', 'nPlusOne span:shop:@opentelemetry/instrumentation-pg:SELECT app']);
      // Later plain queries see the same result, filtered through the index by code object.
      const byKey = part.provider.insights({ keys: ['endpoint:shop:GET /orders'] }) as Insight[];
      assert.deepEqual(byKey, fresh.filter((i) => insightCodeObjects(i).includes('endpoint:shop:GET /orders')));
      assert.ok(byKey.some((i) => i.type === 'nPlusOne' && i.codeObject.startsWith('span:')));
      assert.equal(part.loop.runs, 1);
      // /stats carries a version that moves only when the insights changed.
      assert.equal(part.provider.version!(), 1);
      await part.provider.insights({ fresh: true });
      assert.equal(part.loop.runs, 2);
      assert.equal(part.provider.version!(), 1);
      part.reset();
      assert.equal(part.provider.version!(), 2);
    } finally {
      part.loop.dispose();
    }
  });

  it('compares runs in slices with the same result as at once', async () => {
    const runs = [...plantNPlusOne(20, 20, 6, { startMs: T0, runId: 'v1', route: '/legacy' }), ...plantNPlusOne(20, 20, 6, { startMs: T0 + 3600_000, runId: 'v2' })];
    const reader = new MemoryReader(runs);
    const part = createInsightsPart(reader, defaultConfig(), silentLogger);
    try {
      for (const t of runs) {
        part.observer.observeTrace(t);
      }
      const sliced = await part.provider.compare!('v1', 'v2');
      const once = compareWithEngine(part.engine, reader, 'v1', 'v2', Date.now()).comparison;
      // The same but for when each was evaluated.
      const untimed = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'firstSeen' || k === 'lastSeen' ? undefined : v)));
      assert.deepEqual(untimed(sliced), untimed(once));
      // The N+1 moved from /legacy to /orders (the query's span code object is the same in both runs).
      assert.deepEqual(sliced!.newInsights.filter((i) => i.type === 'nPlusOne').map((i) => i.codeObject), ['endpoint:shop:GET /orders']);
      assert.deepEqual(sliced!.fixedInsights.filter((i) => i.type === 'nPlusOne').map((i) => i.codeObject), ['endpoint:shop:GET /legacy']);
    } finally {
      part.loop.dispose();
    }
  });
});
