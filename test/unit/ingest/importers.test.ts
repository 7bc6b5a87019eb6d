import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttrValue } from '../../../src/shared/api';
import { DecodeError } from '../../../src/engine/model';
import type { Span, SpanBatch } from '../../../src/engine/model';
import { importTraces, importTracesSliced } from '../../../src/engine/importers/importTraces';
import { IMPORT_BATCH_SPANS } from '../../../src/engine/importers/jsonShape';
import { decodeTraceRequestProto } from '../../../src/engine/otlp/protoDecoder';
import { captureExports, emitWorkload, makeExporter, serializeSpans, workloadSpans } from '../../support/otelSdk';
import { toJaegerJson } from './jaegerFormat';
import { sortSpans } from './recordingSink';

const FIXTURES = join(__dirname, '../../../../test/fixtures/otlp');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const all = (batches: SpanBatch[]): Span[] => sortSpans(batches.flatMap((b) => b.spans));

/** The reference: the protobuf fixture the real SDK exporter sent, decoded. */
function referenceSpans(): Span[] {
  return sortSpans(decodeTraceRequestProto(fixture('workload.pb')).spans);
}

/** What survives a Zipkin round trip: tags are strings and carry the resource attributes too. */
function asZipkinSees(span: Span): unknown {
  const attributes: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries({ ...span.attributes, ...span.resource.attributes })) {
    attributes[k] = String(v);
  }
  return {
    ids: [span.traceId, span.spanId, span.parentSpanId],
    name: span.name,
    kind: span.kind === 0 ? 1 : span.kind,
    times: [span.startUs, span.endUs],
    status: [span.statusCode, span.statusMessage],
    service: span.resource.serviceName,
    attributes,
    events: span.events.map((e) => [e.name, e.timeUs]),
  };
}

function zipkinView(span: Span): unknown {
  return {
    ids: [span.traceId, span.spanId, span.parentSpanId],
    name: span.name,
    kind: span.kind,
    times: [span.startUs, span.endUs],
    status: [span.statusCode, span.statusMessage],
    service: span.resource.serviceName,
    attributes: span.attributes,
    events: span.events.map((e) => [e.name, e.timeUs]),
  };
}

/** What survives the Jaeger model: everything but arrays (JSON strings there). */
function asJaegerSees(span: Span): Span {
  const flatten = (a: Record<string, AttrValue>): Record<string, AttrValue> =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, Array.isArray(v) ? JSON.stringify(v) : v]));
  return {
    ...span,
    attributes: flatten(span.attributes),
    events: span.events.map((e) => ({ ...e, attributes: flatten(e.attributes) })),
    links: span.links.map((l) => ({ ...l, attributes: {} })),
    resource: { ...span.resource, attributes: flatten(span.resource.attributes) },
  };
}

describe('trace file import', () => {
  it('imports the OTLP JSON fixture (one request) to the spans of the protobuf fixture', () => {
    const result = importTraces(fixture('workload.otlp.json'), { fileName: 'workload.otlp.json' });
    assert.equal(result.format, 'otlp-json');
    assert.equal(result.batches.length, 1);
    assert.deepEqual(all(result.batches), referenceSpans());
  });

  it('imports NDJSON of OTLP requests (the Collector file exporter) as one batch per line', () => {
    const text = fixture('workload.otlp.ndjson').toString();
    const result = importTraces(text);
    assert.equal(result.format, 'otlp-json');
    assert.equal(result.batches.length, text.trim().split('\n').length);
    assert.ok(result.batches.length > 1);
    assert.deepEqual(all(result.batches), referenceSpans());
  });

  it('imports a binary OTLP protobuf file, by content or by name', () => {
    const bytes = fixture('workload.pb');
    const byContent = importTraces(bytes);
    assert.equal(byContent.format, 'otlp-protobuf');
    assert.deepEqual(all(byContent.batches), referenceSpans());
    assert.equal(importTraces(bytes, { fileName: 'x.binpb' }).format, 'otlp-protobuf');
  });

  it('imports Jaeger UI JSON with ids, parents, links, kinds, status, scope, logs and process tags', () => {
    const result = importTraces(fixture('workload.jaeger.json'));
    assert.equal(result.format, 'jaeger');
    assert.deepEqual(all(result.batches), referenceSpans().map(asJaegerSees));
  });

  it('imports Zipkin v2 JSON as the real SDK Zipkin exporter writes it', () => {
    const result = importTraces(fixture('workload.zipkin.json'));
    assert.equal(result.format, 'zipkin');
    assert.deepEqual(all(result.batches).map(zipkinView), referenceSpans().map(asZipkinSees));
  });

  it('imports what the Zipkin exporter sends right now, not just the recorded file', async () => {
    const [body] = await captureExports('zipkin', (url) => emitWorkload(makeExporter('zipkin', url), { traces: 2, seed: 9 }));
    const expected = sortSpans(decodeTraceRequestProto(serializeSpans('protobuf', await workloadSpans({ traces: 2, seed: 9 }))).spans);
    assert.deepEqual(all(importTraces(body).batches).map(zipkinView), expected.map(asZipkinSees));
  });

  it('reads Jaeger details: trimmed ids, 64-bit trace ids, legacy parent, error tag, typed tags', () => {
    const doc = {
      data: [
        {
          traceID: 'abc',
          spans: [
            {
              traceID: 'abc',
              spanID: '1f',
              operationName: 'consume',
              references: [
                { refType: 'FOLLOWS_FROM', traceID: '12345678901234567', spanID: '2' },
                { refType: 'CHILD_OF', traceID: 'abc', spanID: 'a' },
              ],
              startTime: 1700000000000001,
              duration: 250,
              tags: [
                { key: 'span.kind', type: 'string', value: 'consumer' },
                { key: 'error', type: 'bool', value: true },
                { key: 'otel.library.name', type: 'string', value: 'kafkajs' },
                { key: 'retries', type: 'int64', value: '3' },
                { key: 'ratio', type: 'float64', value: 0.5 },
                { key: 'ok', type: 'bool', value: 'false' },
                { key: 'raw', type: 'binary', value: 'AAE=' },
              ],
              logs: [{ timestamp: 1700000000000100, fields: [{ key: 'message', type: 'string', value: 'no event field' }] }],
              processID: 'p1',
            },
            { traceID: 'abc', spanID: 'a', parentSpanID: '9', operationName: 'legacy parent', startTime: 1700000000000000, duration: 0, processID: 'p9' },
          ],
          processes: { p1: { serviceName: 'worker', tags: [{ key: 'host.name', type: 'string', value: 'h1' }] } },
        },
      ],
    };
    const [worker, legacy] = importTraces(JSON.stringify(doc)).batches[0].spans;
    assert.equal(worker.traceId, '00000000000000000000000000000abc');
    assert.equal(worker.spanId, '000000000000001f');
    assert.equal(worker.parentSpanId, '000000000000000a');
    assert.deepEqual(worker.links, [{ traceId: '00000000000000012345678901234567', spanId: '0000000000000002', attributes: {} }]);
    assert.equal(worker.kind, 5);
    assert.equal(worker.statusCode, 2);
    assert.equal(worker.statusMessage, undefined);
    assert.deepEqual(worker.scope, { name: 'kafkajs', version: undefined });
    assert.deepEqual(worker.attributes, { retries: 3, ratio: 0.5, ok: false, raw: 'AAE=' });
    assert.deepEqual(worker.events, [{ name: 'log', timeUs: 1700000000000100, attributes: { message: 'no event field' } }]);
    assert.deepEqual(worker.resource, { serviceName: 'worker', attributes: { 'service.name': 'worker', 'host.name': 'h1' } });
    assert.equal(worker.endUs - worker.startUs, 250);
    assert.equal(legacy.parentSpanId, '0000000000000009');
    assert.equal(legacy.resource.serviceName, 'unknown_service');
  });

  it('keeps traces whole when it splits a large import into batches', () => {
    const traces = Array.from({ length: 8 }, (_, t) => ({
      traceID: (t + 1).toString(16),
      spans: Array.from({ length: 1000 }, (_, i) => ({ traceID: (t + 1).toString(16), spanID: (i + 1).toString(16), operationName: 'op', startTime: 1, duration: 1, processID: 'p1' })),
      processes: { p1: { serviceName: 's' } },
    }));
    const { batches } = importTraces(JSON.stringify({ data: traces }));
    assert.deepEqual(
      batches.map((b) => b.spans.length),
      [IMPORT_BATCH_SPANS, 8000 - IMPORT_BATCH_SPANS],
    );
    for (const b of batches) {
      const ids = new Set(b.spans.map((s) => s.traceId));
      for (const other of batches.filter((o) => o !== b)) {
        assert.ok(other.spans.every((s) => !ids.has(s.traceId)), 'a trace is split across batches');
      }
    }
  });

  it('rejects spans with bad ids and counts them per batch', () => {
    const zipkin = [
      { traceId: 'abc', id: '1', name: 'ok' },
      { traceId: '', id: '2', name: 'no trace' },
      { traceId: 'abc', id: '0', name: 'zero id' },
      { traceId: 'abc', id: '3', parentId: 'xyz', name: 'bad parent' },
    ];
    const [batch] = importTraces(JSON.stringify(zipkin)).batches;
    assert.deepEqual(
      batch.spans.map((s) => s.name),
      ['ok'],
    );
    assert.equal(batch.rejected, 3);
    assert.match(batch.rejectReason ?? '', /invalid trace id.*invalid span id.*invalid parent span id/);
  });

  it('names the offset, line or path of anything it cannot read', () => {
    const cases: [string | Buffer, RegExp, number | undefined][] = [
      ['hello world', /invalid JSON at line 1 column 1: unexpected 'h'/, 0],
      ['{"traces": []}', /not a trace file SpanLens knows/, 0],
      ['[1, 2]', /not a trace file/, 0],
      [`${JSON.stringify({ resourceSpans: [] })}\n${JSON.stringify({ resourceSpans: [] })}\n{"resourceSpans": [}\n`, /^line 3: invalid JSON at line 1 column 20: unexpected '}' \(at offset 61\)$/, 61],
      [`${JSON.stringify({ resourceSpans: [] })}\n{"resourceSpans": [{"scopeSpans": 5}]}\n`, /^line 2: invalid OTLP\/JSON: expected an array, got number 5 at resourceSpans\[0\]\.scopeSpans \(at offset 21\)$/, 21],
      [JSON.stringify({ data: [{ spans: [{ traceID: 'a', spanID: 'b', startTime: 'soon' }] }] }), /invalid Jaeger JSON: expected a number at data\[0\]\.spans\[0\]\.startTime/, undefined],
      [JSON.stringify([{ traceId: 'a', id: 'b', tags: [] }]), /invalid Zipkin JSON: expected an object at \[0\]\.tags/, undefined],
      [Buffer.from([0x0a, 0x05, 0x00, 0x01]), /malformed protobuf/, 2],
    ];
    for (const [content, reason, offset] of cases) {
      assert.throws(
        () => importTraces(content),
        (e: unknown) => e instanceof DecodeError && reason.test(e.message) && e.offset === offset,
        `${String(content).slice(0, 40)} → ${String(reason)}`,
      );
    }
  });

  it('imports the same in time slices as in one go', async () => {
    for (const name of ['workload.otlp.json', 'workload.otlp.ndjson', 'workload.pb', 'workload.jaeger.json', 'workload.zipkin.json']) {
      assert.deepEqual(await importTracesSliced(fixture(name)), importTraces(fixture(name)), name);
    }
    await assert.rejects(importTracesSliced('{"resourceSpans": 1}'), /expected an array, got number 1 at resourceSpans/);
  });

  it('honours an explicit format over detection', () => {
    assert.throws(() => importTraces(fixture('workload.zipkin.json'), { format: 'jaeger' }), /invalid Jaeger JSON: expected an object at \(root\)/);
    assert.equal(importTraces(JSON.stringify({ result: JSON.parse(fixture('workload.otlp.json').toString()) }), { format: 'otlp-json' }).batches[0].spans.length, referenceSpans().length);
    assert.deepEqual(toJaegerJson([]), { data: [] });
  });
});
