import * as assert from 'node:assert/strict';
import type { Insight } from '../../../src/shared/api';
import type { AssembledTrace } from '../../../src/engine/model';
import { resolveInsightConfig, InsightConfigError } from '../../../src/engine/insights/config';
import { InsightEngine } from '../../../src/engine/insights/engine';
import { SpanKind } from '../../../src/shared/semconv';
import { plantBottleneck, plantNPlusOne, rng, shuffled, spread, TraceBuilder, traces } from '../../support/traceBuilder';
import { MemoryReader } from './memoryReader';
import { evaluate, T0, warnings } from './helpers';

/** Many patterns at once: N+1, bottleneck, errors, a queue via links and two caller flows. */
function mixed(): AssembledTrace[] {
  const out = [...plantNPlusOne(60, 12, 6), ...plantBottleneck(50, 20, 0.7, { startMs: T0 + 3600_000 })];
  out.push(
    ...traces(
      40,
      (tb, i) => {
        const root = tb.server('GET', i % 2 ? '/a' : '/b', { durMs: 30, error: spread(i, 40, 8) });
        const c = root.child('loadUser', { atMs: 2, durMs: 10 });
        if (spread(i, 40, 8)) {
          c.exception('NotFound', `user ${i}`, `NotFound: x\n    at loadUser (/app/u.js:${i % 3}:1)`);
        }
      },
      { startMs: T0 + 5.5 * 3600_000 },
    ),
  );
  for (let i = 0; i < 15; i++) {
    const p = new TraceBuilder({ startMs: T0 + i * 10_000 });
    const send = p.add('publish', { durMs: 2 }).child('orders send', { kind: SpanKind.PRODUCER, atMs: 1, durMs: 1 });
    const c = new TraceBuilder({ startMs: T0 + i * 10_000 + 1500 });
    c.consumer('orders', { durMs: 20, links: [{ traceId: p.traceId, spanId: send.span.spanId }] });
    out.push(p.build(), c.build());
  }
  return out;
}

const NOW = T0 + 6 * 3600_000;

function observeAll(engine: InsightEngine, ts: AssembledTrace[]): void {
  for (const t of ts) {
    engine.observeTrace(t);
  }
}

describe('insights/engine', () => {
  it('gives the same insights whatever the span order, batch split and trace order', () => {
    const all = mixed();
    const reader = new MemoryReader(all);
    const reference = new InsightEngine();
    observeAll(reference, all);
    const expected = reference.evaluate(reader, NOW);
    assert.deepEqual(warnings(expected), [
      'bottleneck span:shop:app:hashPassword',
      'errorHotspot endpoint:shop:GET /a',
      'errorHotspot endpoint:shop:GET /b',
      'errorHotspot span:shop:@opentelemetry/instrumentation-http:GET /a',
      'errorHotspot span:shop:@opentelemetry/instrumentation-http:GET /b',
      'errorHotspot span:shop:app:loadUser',
      'errors span:shop:@opentelemetry/instrumentation-http:GET /a',
      'errors span:shop:@opentelemetry/instrumentation-http:GET /b',
      'errors span:shop:app:loadUser',
      'nPlusOne endpoint:shop:GET /orders',
      'nPlusOne span:shop:@opentelemetry/instrumentation-pg:SELECT app',
      'queueWait consumer:shop:orders',
      // 200 ms and 100 ms against a typical endpoint p50 of 30 ms:
      'slowEndpoint endpoint:shop:GET /orders',
      'slowEndpoint endpoint:shop:POST /token',
    ]);
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = rng(seed);
      const engine = new InsightEngine();
      // Each trace arrives first as a random part of its spans (the assembler's early hand-over),
      // later (minutes apart, after other traces) as the full superset, in another order.
      const early = shuffled(all, seed).map((t) => ({ ...t, spans: shuffled(t.spans, seed).filter(() => r() < 0.5) }));
      observeAll(engine, early);
      observeAll(engine, shuffled(all, seed + 100).map((t) => ({ ...t, spans: shuffled(t.spans, seed + 7) })));
      // And once more, identical: idempotent.
      observeAll(engine, shuffled(all, seed + 200));
      assert.deepEqual(engine.evaluate(reader, NOW), expected, `seed ${seed}`);
    }
  });

  it('keeps the lifecycle: evaluating → active → possibly-fixed → regression, with firstSeen/lastSeen', () => {
    const engine = new InsightEngine();
    const few = plantNPlusOne(5, 5, 6);
    const reader = new MemoryReader(few);
    const n1 = (list: Insight[]) => list.find((i) => i.type === 'nPlusOne' && i.scope === 'endpoint')!;
    observeAll(engine, few);
    let i = n1(engine.evaluate(reader, T0 + 1000));
    assert.equal(i.status, 'evaluating');
    const more = plantNPlusOne(20, 20, 6, { startMs: T0 + 60_000 });
    observeAll(engine, more);
    reader.add(more);
    i = n1(engine.evaluate(reader, T0 + 2000));
    assert.deepEqual([i.status, i.firstSeen, i.lastSeen], ['active', T0 + 1000, T0 + 2000]);
    const id = i.id;
    // The fix: the same requests now run one query each (same trace ids, replaced).
    const fixed = [...few, ...more].map((t) => ({ ...t, spans: t.spans.filter((s, k, all) => !s.attributes['db.statement'] || all.findIndex((x) => x.attributes['db.statement'] !== undefined) === k) }));
    observeAll(engine, fixed);
    reader.add(fixed);
    let after = engine.evaluate(reader, T0 + 3000).find((x) => x.id === id)!;
    assert.deepEqual([after.status, after.firstSeen, after.lastSeen], ['possibly-fixed', T0 + 1000, T0 + 2000]);
    after = engine.evaluate(reader, T0 + 4000).find((x) => x.id === id)!;
    assert.equal(after.status, 'possibly-fixed');
    observeAll(engine, more);
    reader.add(more);
    after = engine.evaluate(reader, T0 + 5000).find((x) => x.id === id)!;
    assert.deepEqual([after.status, after.firstSeen, after.lastSeen], ['regression', T0 + 1000, T0 + 5000]);
  });

  it('has stable ids (type, code object and a discriminator)', () => {
    const a = evaluate(plantNPlusOne(30, 10, 5)).insights.filter((i) => i.type === 'nPlusOne').map((i) => i.id);
    const b = evaluate(plantNPlusOne(40, 20, 7, { startMs: T0 + 999_000 })).insights.filter((i) => i.type === 'nPlusOne').map((i) => i.id);
    assert.deepEqual(a, b);
    assert.match(a[0], /^nPlusOne:endpoint:shop:GET \/orders#[0-9a-f]{8}$/);
  });

  it('survives a snapshot/restore round trip through JSON', () => {
    const all = mixed();
    const reader = new MemoryReader(all);
    const a = new InsightEngine();
    observeAll(a, all);
    const first = a.evaluate(reader, NOW);
    const b = new InsightEngine();
    assert.equal(b.restore(JSON.parse(JSON.stringify(a.snapshot()))), true);
    assert.deepEqual(b.insights(), first);
    assert.deepEqual(b.evaluate(reader, NOW + 1), a.evaluate(reader, NOW + 1));
    assert.equal(b.restore({ version: 99 }), false);
    assert.equal(b.restore('garbage'), false);
    assert.equal(b.restore(null), false);
  });

  it('keeps a bounded number of traces, oldest first out', () => {
    const engine = new InsightEngine(resolveInsightConfig({ maxTraces: 50 }));
    const ts = plantNPlusOne(200, 200, 5);
    observeAll(engine, ts);
    assert.ok(engine.traceCount <= 55, `${engine.traceCount}`);
    const kept = (engine.snapshot().traces as { traceId: string }[]).map((t) => t.traceId);
    assert.ok(kept.includes(ts[199].traceId));
    assert.ok(!kept.includes(ts[0].traceId));
  });

  it('keeps working when a trace is malformed', () => {
    const engine = new InsightEngine();
    const tb = new TraceBuilder();
    const a = tb.add('a', { durMs: 5 });
    const b = a.child('b', { durMs: 2 });
    a.span.parentSpanId = b.span.spanId; // a cycle
    b.span.endUs = b.span.startUs - 5; // ends before it starts
    engine.observeTrace(tb.build());
    engine.observeTrace({ traceId: 'empty', runId: 'default', spans: [] });
    engine.evaluate(new MemoryReader([tb.build()]), NOW);
    assert.deepEqual(engine.lastFailures, []);
  });

  it('resolves configuration overrides and rejects bad ones with their path', () => {
    const c = resolveInsightConfig({ nPlusOne: { minRepeats: 8 }, maxTraces: 10 });
    assert.equal(c.nPlusOne.minRepeats, 8);
    assert.equal(c.nPlusOne.minTraceShare, 0.1);
    assert.equal(c.bottleneck.minShare, 0.4);
    assert.throws(() => resolveInsightConfig({ nPlusOne: { minRepeat: 8 } }), (e: Error) => e instanceof InsightConfigError && /insights\.nPlusOne\.minRepeat: unknown/.test(e.message));
    assert.throws(() => resolveInsightConfig({ bottleneck: { minShare: 'x' } }), /insights\.bottleneck\.minShare: expected a non-negative number/);
    assert.throws(() => resolveInsightConfig({ longTail: 5 }), /insights\.longTail: expected an object/);
  });
});
