import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempStorage } from '../../support/engineProcess';
import { defaultConfig } from '../../../src/engine/config';
import type { EngineConfig } from '../../../src/engine/config';
import { createLogger, silentLogger } from '../../../src/engine/logger';
import type { AssembledTrace } from '../../../src/engine/model';
import { OverloadedError } from '../../../src/engine/model';
import { IngestPipeline } from '../../../src/engine/store/pipeline';
import { selfTimeMs } from '../../../src/engine/store/assembledTraces';
import { hex, resource, span } from './spanFixtures';

const scope = { name: 'shop.orders' };

function config(storage: string, over: Partial<EngineConfig> = {}): EngineConfig {
  return { ...defaultConfig(), storage, storeBackend: 'node-sqlite3-wasm', checkpointIntervalMs: 60_000, traceIdleMs: 50, traceOrphanIdleMs: 200, lateWindowMs: 400, ...over };
}

function open(storage: string, over: Partial<EngineConfig> = {}): IngestPipeline {
  const p = new IngestPipeline(config(storage, over), silentLogger);
  p.start();
  return p;
}

/** An HTTP server trace: a SERVER span with `n` DB children. */
function request(svc: ReturnType<typeof resource>, startMs: number, durMs: number, n: number, error = false) {
  const traceId = hex(16);
  const root = span(svc, scope, { traceId, name: 'GET /orders/42', kind: 2, startMs, durMs, error, attributes: { 'http.request.method': 'GET', 'http.route': '/orders/:id', 'url.path': '/orders/42', 'code.function.name': 'shop.orders.get_order', 'code.file.path': 'shop/orders.py', 'code.line.number': 12 } });
  const kids = Array.from({ length: n }, (_, i) => span(svc, { name: 'sqlalchemy' }, { traceId, parent: root.spanId, name: 'SELECT orders', kind: 3, startMs: startMs + 1 + i * 2, durMs: 1, attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM orders WHERE id = ?' } }));
  return [root, ...kids];
}

describe('ingest pipeline (in process, node-sqlite3-wasm)', function () {
  this.timeout(30_000);
  let storage: string;
  beforeEach(() => {
    storage = tempStorage();
  });
  afterEach(() => rmSync(storage, { recursive: true, force: true }));

  it('derives span, endpoint and function code objects with exact percentiles below 1,000 calls', async () => {
    const p = open(storage);
    const svc = resource('shop', { 'service.version': '1.2.0' });
    const t0 = Date.now() - 10 * 60_000;
    const durations = Array.from({ length: 100 }, (_, i) => i + 1);
    for (const d of durations) {
      const r = await p.ingest({ spans: request(svc, t0 + d * 1000, d, 2, d % 10 === 0), rejected: 0 }, { transport: 'http' });
      assert.equal(r.accepted, 3);
    }
    const keys = p.store.codeObjects().map((c) => c.id).sort();
    assert.deepEqual(keys, ['endpoint:shop:GET /orders/:id', 'fn:shop.orders.get_order', 'span:shop:shop.orders:GET /orders/:id', 'span:shop:sqlalchemy:SELECT orders']);
    const ep = p.store.stats('endpoint:shop:GET /orders/:id')!;
    assert.equal(ep.count, 100);
    assert.equal(ep.errors, 10);
    assert.equal(ep.errorRate, 0.1);
    // Exact (linear interpolation between closest ranks) over 1..100 ms.
    assert.equal(ep.durationMs.p50, 50.5);
    assert.ok(Math.abs(ep.durationMs.p95 - 95.05) < 1e-9, String(ep.durationMs.p95));
    assert.equal(ep.durationMs.max, 100);
    assert.equal(ep.histogram.counts.reduce((a, b) => a + b, 0), 100);
    const fn = p.store.codeObject('fn:shop.orders.get_order')!;
    assert.deepEqual(fn.code, { function: 'shop.orders.get_order', filepath: 'shop/orders.py', lineno: 12 });
    assert.equal(p.store.runs()[0].id, 'version:1.2.0');
    assert.equal(p.store.runs()[0].spans, 300);
    await p.close();
  });

  it('keeps everything across close and reopen, and percentiles from the sketch stay within 1 %', async () => {
    let p = open(storage);
    const svc = resource('api');
    const t0 = Date.now() - 30 * 60_000;
    const values: number[] = [];
    for (let b = 0; b < 30; b++) {
      const spans = [];
      for (let i = 0; i < 100; i++) {
        const d = Math.exp(((b * 100 + i) % 997) / 150);
        values.push(d);
        spans.push(span(svc, scope, { name: 'work', startMs: t0 + b * 60_000 + i, durMs: d }));
      }
      await p.ingest({ spans, rejected: 0 }, { transport: 'grpc' });
    }
    const before = p.store.stats('span:api:shop.orders:work')!;
    await p.close();
    p = open(storage);
    const after = p.store.stats('span:api:shop.orders:work')!;
    assert.equal(after.count, 3000);
    assert.deepEqual(after.durationMs, before.durationMs);
    values.sort((a, b) => a - b);
    const exact = (q: number): number => values[Math.floor(q * (values.length - 1))];
    for (const [q, got] of [[0.5, after.durationMs.p50], [0.95, after.durationMs.p95], [0.99, after.durationMs.p99]] as const) {
      assert.ok(Math.abs(got - exact(q)) / exact(q) <= 0.0101, `q${q}: ${got} vs ${exact(q)}`);
    }
    assert.equal(after.series.length, 30);
    assert.equal(after.ratePerMin.max, 100);
    await p.close();
  });

  it('replays journaled batches that no checkpoint covered (crash before checkpoint)', async () => {
    const p = open(storage);
    const svc = resource('crashy');
    for (let i = 0; i < 5; i++) {
      await p.ingest({ spans: [span(svc, scope, { name: 'op', startMs: Date.now() - 1000, durMs: 5 })], rejected: 0 }, { transport: 'http' });
    }
    assert.equal(p.store.checkpointedSeq < p.store.appliedSeq, true);
    // Simulate the crash: drop the pipeline without close (no last checkpoint); close only the DB
    // handle so the next open in this process can take the file.
    p.store.close();
    const q = open(storage);
    assert.equal(q.store.stats('span:crashy:shop.orders:op')?.count, 5);
    await q.close();
  });

  it('joins a trace across batches and hands it on again with late spans; computes self time', async () => {
    const p = open(storage);
    const seen: AssembledTrace[] = [];
    p.addObserver({ observeTrace: (t) => seen.push({ ...t, spans: [...t.spans] }) });
    const svc = resource('web');
    const [root, child1, child2] = request(svc, Date.now() - 5000, 100, 2);
    await p.ingest({ spans: [child1], rejected: 0 }, { transport: 'http' });
    await p.ingest({ spans: [root], rejected: 0 }, { transport: 'http' });
    await new Promise((r) => setTimeout(r, 150));
    p.assembler.sweep(Date.now());
    assert.equal(seen.length, 1);
    assert.equal(seen[0].spans.length, 2);
    await p.ingest({ spans: [child2], rejected: 0 }, { transport: 'http' });
    await new Promise((r) => setTimeout(r, 150));
    p.assembler.sweep(Date.now());
    assert.equal(seen.length, 2);
    assert.equal(seen[1].traceId, seen[0].traceId);
    assert.equal(seen[1].spans.length, 3);
    const self = p.store.stats('endpoint:web:GET /orders/:id')!.selfTimeMs!;
    // 100 ms minus both children's 1 ms: the root was counted with 99 ms before child2 came late,
    // then recounted.
    assert.deepEqual([self.p50, self.mean, self.max], [98, 98, 98]);
    // Exemplars: the trace is kept and readable by id.
    const ex = p.store.exemplars('endpoint:web:GET /orders/:id')!;
    assert.equal(ex.slowest[0].traceId, root.traceId);
    assert.equal(p.store.storedTrace(root.traceId)?.length, 3);
    await p.close();
  });

  it('recounts self time for a late child after the first count was checkpointed, and keeps it across a restart', async () => {
    const p = open(storage);
    const svc = resource('web');
    const t0 = Date.now() - 5000;
    // Ten requests of 100 ms with two 1 ms DB children each; in one of them the second child comes late.
    const reqs = Array.from({ length: 10 }, (_, i) => request(svc, t0 + i * 200, 100, 2));
    const late = reqs[3][2];
    await p.ingest({ spans: reqs.flat().filter((s) => s !== late), rejected: 0 }, { transport: 'http' });
    await new Promise((r) => setTimeout(r, 120));
    p.assembler.sweep(Date.now());
    p.checkpoint();
    const before = p.store.stats('endpoint:web:GET /orders/:id')!.selfTimeMs!;
    assert.deepEqual([before.p50, before.max], [98, 99]);
    await p.ingest({ spans: [late], rejected: 0 }, { transport: 'http' });
    await new Promise((r) => setTimeout(r, 120));
    p.assembler.sweep(Date.now());
    const after = p.store.stats('endpoint:web:GET /orders/:id')!.selfTimeMs!;
    assert.deepEqual([after.p50, after.mean, after.max], [98, 98, 98]);
    assert.equal(p.store.stats('endpoint:web:GET /orders/:id')!.count, 10);
    await p.close();
    const q = open(storage);
    const again = q.store.stats('endpoint:web:GET /orders/:id')!.selfTimeMs!;
    assert.deepEqual([again.p50, again.mean, again.max], [98, 98, 98]);
    await q.close();
  });

  it('rejects impossible spans with a reason and counts them; files imports under their run', async () => {
    const p = open(storage);
    const svc = resource('bad');
    const good = span(svc, scope, { name: 'ok', startMs: Date.now() - 10, durMs: 1 });
    const backwards = { ...span(svc, scope, { name: 'x', startMs: Date.now(), durMs: 1 }), endUs: 1 };
    const nan = { ...span(svc, scope, { name: 'y', startMs: Date.now(), durMs: 1 }), startUs: NaN };
    p.registerImportRun({ id: 'import-test', label: 'Import of t.json', source: 'import' });
    const r = await p.ingest({ spans: [good, backwards, nan], rejected: 1, rejectReason: 'bad id' }, { transport: 'import', runId: 'import-test' });
    assert.equal(r.accepted, 1);
    assert.equal(r.rejected, 3);
    assert.match(r.errorMessage!, /bad id; 2 span/);
    assert.deepEqual(p.store.runs().map((x) => [x.id, x.source, x.spans]), [['import-test', 'import', 1]]);
    assert.equal(p.store.counters.spansRejected, 3);
    await p.close();
  });

  it('answers OverloadedError when the journal queue is full', async () => {
    const p = open(storage, { maxQueueBytes: 1 });
    const svc = resource('busy');
    const a = p.ingest({ spans: [span(svc, scope, { name: 'a', startMs: Date.now(), durMs: 1 })], rejected: 0 }, { transport: 'http' });
    await assert.rejects(p.ingest({ spans: [span(svc, scope, { name: 'b', startMs: Date.now(), durMs: 1 })], rejected: 0 }, { transport: 'http' }), OverloadedError);
    await a;
    await p.close();
  });

  it('rolls minute buckets up into hours without changing the figures', async () => {
    const p = open(storage, { rollupAfterMs: 60_000 });
    const svc = resource('old');
    const t0 = Date.now() - 5 * 3_600_000;
    for (let m = 0; m < 90; m++) {
      await p.ingest({ spans: [span(svc, scope, { name: 'job', startMs: t0 + m * 60_000, durMs: m + 1 })], rejected: 0 }, { transport: 'http' });
    }
    const before = p.store.stats('span:old:shop.orders:job')!;
    p.checkpoint();
    p.maintain();
    const rows = p.store.db.stmt('SELECT res, COUNT(*) AS n FROM agg GROUP BY res').all();
    assert.deepEqual(rows.map((r) => Number(r.res)), [60]);
    const after = p.store.stats('span:old:shop.orders:job')!;
    assert.equal(after.count, 90);
    assert.deepEqual(after.durationMs, before.durationMs);
    await p.close();
  });

  it('self time subtracts the union of child intervals', () => {
    const svc = resource('s');
    const parent = span(svc, scope, { name: 'p', startMs: 1000, durMs: 100 });
    const kids = [span(svc, scope, { name: 'a', startMs: 1010, durMs: 20 }), span(svc, scope, { name: 'b', startMs: 1020, durMs: 20 }), span(svc, scope, { name: 'c', startMs: 1090, durMs: 50 })];
    assert.equal(selfTimeMs(parent, kids), 100 - 30 - 10);
  });
});

describe('store file that cannot be read', function () {
  this.timeout(30_000);
  it('is kept aside and a fresh store starts, with a clear message', async () => {
    const storage = tempStorage();
    try {
      writeFileSync(join(storage, 'spanlens.db'), Buffer.alloc(8192, 0x5a));
      const lines: string[] = [];
      const log = createLogger('t', (_l, line) => lines.push(line));
      const p = new IngestPipeline(config(storage), log);
      p.start();
      const aside = readdirSync(storage).filter((f) => f.startsWith('spanlens.db.corrupt-'));
      assert.equal(aside.length, 1);
      assert.equal(readFileSync(join(storage, aside[0])).length, 8192, 'the old file is kept as it was');
      assert.ok(lines.some((l) => l.includes('cannot be read') && l.includes(aside[0])), lines.join('\n'));
      const svc = resource('fresh');
      assert.equal((await p.ingest({ spans: [span(svc, scope, { name: 'x', startMs: Date.now(), durMs: 1 })], rejected: 0 }, { transport: 'http' })).accepted, 1);
      await p.close();
    } finally {
      rmSync(storage, { recursive: true, force: true });
    }
  });
});
