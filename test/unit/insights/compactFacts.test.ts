/**
 * The kept trace facts in their compact form (factStore.ts) give exactly the insights the plain
 * objects of the previous version gave, and facts saved in either form load back.
 *
 * The fixture test/fixtures/insights/sdk-workload-v1.json.gz was written by the insight engine of
 * commit abd0bd5 (facts as plain objects) for the SDK workload of sdkWorkload.ts: `insights` (its
 * evaluation at SDK_NOW), `runA` (its evaluation of run `a` alone) and `legacySnapshot` (its saved
 * state holding the facts of run `b`'s traces, in the plain form).
 */
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Insight } from '../../../src/shared/api';
import type { AssembledTrace } from '../../../src/engine/model';
import { InsightEngine } from '../../../src/engine/insights/engine';
import { extractTraceFacts } from '../../../src/engine/insights/traceFacts';
import { FAST_TRACES, startEngineProcess, tempStorage, waitFor } from '../../support/engineProcess';
import { emitWorkload, makeExporter } from '../../support/otelSdk';
import { MemoryReader } from './memoryReader';
import { SDK_NOW, sdkWorkload } from './sdkWorkload';

interface Fixture {
  insights: Insight[];
  runA: Insight[];
  legacySnapshot: { version: number; traces: Record<string, unknown>[]; insights: Insight[] };
}

const fixture = (): Fixture => JSON.parse(gunzipSync(readFileSync(join(__dirname, '../../../../test/fixtures/insights/sdk-workload-v1.json.gz'))).toString('utf8')) as Fixture;
/** What a value looks like once saved and read back. */
const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function observed(traces: AssembledTrace[]): InsightEngine {
  const engine = new InsightEngine();
  for (const t of traces) {
    engine.observeTrace(t);
  }
  return engine;
}

describe('insights: compact trace facts', function () {
  this.timeout(60_000);
  let traces: AssembledTrace[];
  let reader: MemoryReader;
  let old: Fixture;
  before(async () => {
    traces = await sdkWorkload();
    reader = new MemoryReader(traces);
    old = fixture();
  });

  it('give the insights the previous version gave for an SDK-made workload', () => {
    const engine = observed(traces);
    const insights = engine.evaluate(reader, SDK_NOW);
    assert.deepEqual(engine.lastFailures, []);
    // The workload exercises every analyzer that reads the facts.
    for (const type of ['nPlusOne', 'bottleneck', 'breakdown', 'scaling', 'durationChange', 'errors', 'errorHotspot', 'queueWait', 'usage', 'duration']) {
      assert.ok(insights.some((i) => i.type === type), type);
    }
    assert.deepEqual(asJson(insights), old.insights);
    assert.deepEqual(asJson(engine.evaluateRun(reader, 'a', SDK_NOW)), old.runA);
  });

  it('load facts saved as plain objects by the previous version: same facts, same insights', () => {
    const runB = traces.filter((t) => t.runId === 'b');
    const upgraded = new InsightEngine();
    assert.equal(upgraded.restore(old.legacySnapshot), true);
    assert.equal(upgraded.traceCount, runB.length);
    const fresh = observed(runB);
    assert.deepEqual(asJson(upgraded.snapshot()), asJson(fresh.snapshot()));
    const runReader = new MemoryReader(runB);
    assert.deepEqual(upgraded.evaluate(runReader, SDK_NOW), fresh.evaluate(runReader, SDK_NOW));
    // Older saved facts without `innerUs` still load (they predate it).
    const noInner = asJson(old.legacySnapshot);
    for (const t of noInner.traces) {
      for (const s of t.segments as Record<string, unknown>[]) {
        delete s.innerUs;
      }
    }
    assert.equal(upgraded.restore(noInner), true);
    assert.equal(upgraded.traceCount, runB.length);
  });

  it('save the compact form, which reloads to the same insights', () => {
    const engine = observed(traces);
    const first = engine.evaluate(reader, SDK_NOW);
    const saved = asJson(engine.snapshot());
    assert.equal(saved.version, 2);
    const t = saved.traces[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(t).sort(), ['exceptions', 'numbers', 'runId', 'strings', 'traceId']);
    const reloaded = new InsightEngine();
    assert.equal(reloaded.restore(saved), true);
    assert.equal(reloaded.traceCount, engine.traceCount);
    assert.deepEqual(reloaded.insights(), first);
    assert.deepEqual(reloaded.evaluate(reader, SDK_NOW + 1), engine.evaluate(reader, SDK_NOW + 1));
    // Smaller on disk than the plain form of the same traces.
    const runB = asJson(observed(traces.filter((x) => x.runId === 'b')).snapshot());
    assert.ok(JSON.stringify(runB).length < JSON.stringify(old.legacySnapshot).length * 0.7, `${JSON.stringify(runB).length}`);
  });

  it('read the same through the views as the facts they were made from', () => {
    const trace = traces.find((x) => x.spans.length > 8)!;
    const f = extractTraceFacts(trace);
    const segs = f.segments();
    assert.equal(segs.length, 2);
    const orders = segs.find((s) => s.endpoint === 'endpoint:orders:GET /api/orders/{id}')!;
    const root = trace.spans.find((s) => s.name === 'GET /api/orders/{id}')!;
    assert.deepEqual([orders.traceId, orders.runId, orders.startUs, orders.durUs], [trace.traceId, trace.runId, root.startUs, root.endUs - root.startUs]);
    assert.equal(orders.coverUs('span:orders:orders-instrumentation:no such span'), undefined);
    assert.ok(orders.coverUs('span:orders:orders-instrumentation:OrderRepository.load')! > 0);
    assert.deepEqual(orders.repeats.map((r) => [r.kind, r.target]), [['db', 'SELECT * FROM items WHERE order_id = ? AND position = ?']]);
    const execs = f.executions();
    assert.equal(execs.length, f.executionCount);
    const endpointExec = execs.find((e) => e.key === orders.endpoint)!;
    assert.equal(f.segments()[endpointExec.segment!].endpoint, orders.endpoint);
    assert.deepEqual([endpointExec.startUs, endpointExec.durUs, endpointExec.error], [orders.startUs, orders.durUs, orders.error]);
    assert.equal(execs.filter((e) => e.segment !== undefined).length, 2);
    assert.equal(f.statements().length, trace.spans.filter((s) => s.name === 'SELECT shop.items').length);
    assert.deepEqual(f.producers().map((p) => p.key), ['span:orders:orders-instrumentation:order-events publish']);
  });

  it('leave out saved traces that do not fit the layout, and keep the others', () => {
    const saved = asJson(observed(traces.slice(0, 6)).snapshot());
    const good = saved.traces as Record<string, unknown>[];
    const shorter = { ...good[1], numbers: (good[1].numbers as number[]).slice(0, -1) };
    const longer = { ...good[2], strings: [...(good[2].strings as string[]), 'extra'] };
    const notANumber = { ...good[3], numbers: (good[3].numbers as unknown[]).map((n, i) => (i === 8 ? 'x' : n)) };
    const badCount = { ...good[4], numbers: (good[4].numbers as number[]).map((n, i) => (i === 5 ? 1e9 : n)) };
    const badPlain = { traceId: 'p', runId: 'r', segments: [{ endpoint: 1 }], executions: [] };
    const engine = new InsightEngine();
    assert.equal(engine.restore({ ...saved, traces: [good[0], shorter, longer, notANumber, badCount, badPlain, null, 'x', good[5]] }), true);
    assert.equal(engine.traceCount, 2);
    engine.evaluate(new MemoryReader(traces.slice(0, 6)), SDK_NOW);
    assert.deepEqual(engine.lastFailures, []);
  });

  it('are saved compactly by the engine process and give the same insights after a restart', async () => {
    const storage = tempStorage();
    let e = await startEngineProcess({ storage, config: FAST_TRACES });
    try {
      const sent = await emitWorkload(makeExporter('proto', `http://127.0.0.1:${e.state.otlpHttpPort}/v1/traces`), { traces: 20 });
      await waitFor(async () => (await e.client.stats()).traces >= sent.traces, `${sent.traces} assembled traces`);
      const ids = async (): Promise<string[]> => (await e.client.insights({ fresh: true })).insights.map((i) => i.id).sort();
      const before = await ids();
      assert.ok(before.some((id) => id.startsWith('nPlusOne:')), before.join(' '));
      assert.equal(await e.stop(), 0);
      const saved = JSON.parse(readFileSync(join(storage, 'state-insights.json'), 'utf8')) as { version: number; traces: Record<string, unknown>[] };
      assert.equal(saved.version, 2);
      assert.equal(saved.traces.length, sent.traces);
      assert.ok(saved.traces.every((t) => Array.isArray(t.strings) && Array.isArray(t.numbers) && t.executions === undefined));
      e = await startEngineProcess({ storage, config: FAST_TRACES });
      assert.deepEqual(await ids(), before);
    } finally {
      await e.stop();
      rmSync(storage, { recursive: true, force: true });
    }
  });
});
