import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import type { IngestResult, SpanBatch } from '../../../src/engine/model';
import { startOtlpHttpReceiver } from '../../../src/engine/receivers/http';
import type { HttpReceiverOptions } from '../../../src/engine/receivers/http';
import { throttledLog } from '../../../src/engine/receivers/export';
import type { ReceiverHandle } from '../../../src/engine/receivers/export';
import { decodeTraceRequestProto } from '../../../src/engine/otlp/protoDecoder';
import { emitWorkload, makeExporter, serializeSpans, workloadSpans } from '../../support/otelSdk';
import { request } from './httpClient';
import { RecordingSink, sortSpans } from './recordingSink';
import { RefExportTraceServiceResponse } from './reference';
import * as w from './wire';

const PROTO = { 'Content-Type': 'application/x-protobuf' };
const JSON_CT = { 'Content-Type': 'application/json' };
const TRACE = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
const SPAN = Buffer.from('b7ad6b7169203331', 'hex');

/** Two spans, one with an all-zero trace id. */
function halfBadRequest(): Buffer {
  return w.request([], w.len(1, 'lib'), [
    Buffer.concat([w.len(1, TRACE), w.len(2, SPAN), w.len(5, 'good')]),
    Buffer.concat([w.len(1, Buffer.alloc(16)), w.len(2, SPAN), w.len(5, 'bad')]),
  ]);
}

describe('OTLP/HTTP receiver', function () {
  this.timeout(30_000);
  let sink: RecordingSink;
  let receiver: ReceiverHandle;
  let logs: string[];

  async function start(opts: Partial<HttpReceiverOptions> = {}): Promise<void> {
    await receiver?.close();
    receiver = await startOtlpHttpReceiver({ host: '127.0.0.1', port: 0, sink, log: (level, msg) => logs.push(`${level} ${msg}`), ...opts });
  }

  beforeEach(async () => {
    sink = new RecordingSink();
    logs = [];
    await start();
  });
  afterEach(async () => {
    await receiver.close();
  });

  for (const kind of ['proto', 'json'] as const) {
    for (const gzip of [false, true]) {
      it(`stores what the real SDK ${kind} exporter sends (gzip ${gzip ? 'on' : 'off'})`, async () => {
        const summary = await emitWorkload(makeExporter(kind, `http://127.0.0.1:${receiver.port}/v1/traces`, { gzip }), { traces: 5, batchSize: 20 });
        assert.equal(sink.spans.length, summary.spans);
        assert.equal(sink.batches.length, Math.ceil(summary.spans / 20));
        assert.ok(sink.batches.every((b) => b.origin.transport === 'http'));
        const wire = logs.filter((l) => l.includes('OTLP/HTTP: POST'));
        assert.equal(wire.length, sink.batches.length);
        assert.ok(wire.every((l) => l.includes(`${kind === 'proto' ? 'protobuf' : 'json'} ${gzip ? 'gzip' : 'none'}`)), wire[0]);
        // Batches group spans by resource, so compare in one order.
        const direct = decodeTraceRequestProto(serializeSpans('protobuf', await workloadSpans({ traces: 5 }))).spans;
        assert.deepEqual(sortSpans(sink.spans), sortSpans(direct));
      });
    }
  }

  it('answers success with an empty ExportTraceServiceResponse in the request encoding', async () => {
    const body = Buffer.from(serializeSpans('protobuf', await workloadSpans({ traces: 1 })));
    const proto = await request(receiver.port, { headers: PROTO, body });
    assert.equal(proto.status, 200);
    assert.equal(proto.headers['content-type'], 'application/x-protobuf');
    assert.equal(proto.body.length, 0);
    const json = await request(receiver.port, {
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: Buffer.from(serializeSpans('json', await workloadSpans({ traces: 1 }))),
    });
    assert.equal(json.status, 200);
    assert.equal(json.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(json.body.toString()), {});
    assert.equal(sink.batches.length, 2);
  });

  it('reports spans with bad ids as partial success (protobuf and JSON)', async () => {
    const proto = await request(receiver.port, { headers: PROTO, body: halfBadRequest() });
    assert.equal(proto.status, 200);
    const decoded = RefExportTraceServiceResponse.toObject(RefExportTraceServiceResponse.decode(proto.body), { longs: String });
    const partial = decoded.partialSuccess as { rejectedSpans: string; errorMessage: string };
    assert.equal(partial.rejectedSpans, '1');
    assert.match(partial.errorMessage, /1 × invalid trace id/);
    assert.deepEqual(
      sink.spans.map((s) => s.name),
      ['good'],
    );

    const json = await request(receiver.port, {
      headers: JSON_CT,
      body: Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'abc', spanId: 'b7ad6b7169203331' }] }] }] })),
    });
    assert.equal(json.status, 200);
    const body = JSON.parse(json.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(body.partialSuccess.rejectedSpans, '1');
    assert.match(body.partialSuccess.errorMessage, /invalid trace id/);
    assert.equal(sink.rejected, 2);
  });

  it('answers 400 with the reason for malformed protobuf and JSON, and keeps serving', async () => {
    const proto = await request(receiver.port, { headers: PROTO, body: Buffer.from([0x0a, 0x7f, 0x01]) });
    assert.equal(proto.status, 400);
    const status = w.readStatus(proto.body);
    assert.equal(status.code, 3);
    assert.match(status.message, /malformed protobuf: length 127 runs past the end of its message \(at offset 2\)/);

    const json = await request(receiver.port, { headers: JSON_CT, body: Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":7}]}]}]}') });
    assert.equal(json.status, 400);
    const jsonStatus = JSON.parse(json.body.toString()) as { code: number; message: string };
    assert.equal(jsonStatus.code, 3);
    assert.match(jsonStatus.message, /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId/);

    const badGzip = await request(receiver.port, { headers: { ...PROTO, 'Content-Encoding': 'gzip' }, body: Buffer.from('not gzip at all') });
    assert.equal(badGzip.status, 400);
    assert.match(w.readStatus(badGzip.body).message, /invalid gzip body/);

    assert.equal(sink.batches.length, 0);
    assert.ok(logs.some((l) => l.startsWith('warn') && l.includes('malformed')));
    const good = await request(receiver.port, { headers: PROTO, body: Buffer.from(serializeSpans('protobuf', await workloadSpans({ traces: 1 }))) });
    assert.equal(good.status, 200);
  });

  it('answers 413 for a gzip bomb (64 MiB after decompression)', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024 + 1), { level: 9 });
    assert.ok(bomb.length < 100 * 1024, `bomb is ${bomb.length} bytes`);
    const res = await request(receiver.port, { headers: { ...PROTO, 'Content-Encoding': 'gzip' }, body: bomb });
    assert.equal(res.status, 413);
    assert.match(w.readStatus(res.body).message, /larger than 67108864 bytes/);
    assert.equal(sink.batches.length, 0);
  });

  it('answers 413 while streaming a chunked body past the limit, and for a declared Content-Length past it', async () => {
    await start({ maxBodyBytes: 64 * 1024 });
    const chunks = Array.from({ length: 40 }, () => Buffer.alloc(4096, 1));
    const streamed = await request(receiver.port, { headers: PROTO, body: chunks, chunkDelayMs: 1 });
    assert.equal(streamed.status, 413);
    assert.equal(streamed.headers.connection, 'close');
    const declared = await request(receiver.port, { headers: { ...JSON_CT, 'Content-Length': String(65 * 1024) }, body: Buffer.alloc(65 * 1024, 0x20) });
    assert.equal(declared.status, 413);
    assert.match(JSON.parse(declared.body.toString()).message, /larger than 65536 bytes/);
    const gz = await request(receiver.port, { headers: { ...PROTO, 'Content-Encoding': 'deflate' }, body: zlib.deflateSync(Buffer.alloc(65 * 1024)) });
    assert.equal(gz.status, 413);
    assert.equal(sink.batches.length, 0);
  });

  it('answers 503 with Retry-After when request bodies in flight pass the memory budget, and recovers', async () => {
    await start({ maxBodyBytes: 100 * 1024, maxInflightBytes: 100 * 1024 });
    const bigSpan = (name: string): Buffer =>
      w.request([], w.len(1, 'lib'), [Buffer.concat([w.len(1, TRACE), w.len(2, SPAN), w.len(5, name), w.keyValue(9, 'blob', w.stringValue('x'.repeat(60 * 1024)))])]);
    const a = bigSpan('a');
    const slow = request(receiver.port, { headers: PROTO, body: [a.subarray(0, 55 * 1024), a.subarray(55 * 1024)], chunkDelayMs: 400 });
    await new Promise((r) => setTimeout(r, 150));
    const busy = await request(receiver.port, { headers: PROTO, body: bigSpan('b') });
    assert.equal(busy.status, 503);
    assert.equal(busy.headers['retry-after'], '1');
    assert.match(w.readStatus(busy.body).message, /too many request bytes in flight/);
    assert.equal((await slow).status, 200);
    assert.equal((await request(receiver.port, { headers: PROTO, body: bigSpan('b') })).status, 200);
    assert.deepEqual(
      sink.spans.map((s) => s.name),
      ['a', 'b'],
    );
  });

  it('accepts chunked, deflate and raw-deflate bodies', async () => {
    const body = Buffer.from(serializeSpans('protobuf', await workloadSpans({ traces: 2 })));
    const parts = [body.subarray(0, 100), body.subarray(100, 1000), body.subarray(1000)];
    assert.equal((await request(receiver.port, { headers: PROTO, body: parts })).status, 200);
    assert.equal((await request(receiver.port, { headers: { ...PROTO, 'Content-Encoding': 'deflate' }, body: zlib.deflateSync(body) })).status, 200);
    assert.equal((await request(receiver.port, { headers: { ...PROTO, 'Content-Encoding': 'deflate' }, body: zlib.deflateRawSync(body) })).status, 200);
    assert.equal(sink.batches.length, 3);
    assert.deepEqual(sink.batches[1].batch, sink.batches[0].batch);
    assert.deepEqual(sink.batches[2].batch, sink.batches[0].batch);
  });

  it('answers 415 for other content types and encodings, 404 and 405 elsewhere', async () => {
    const text = await request(receiver.port, { headers: { 'Content-Type': 'text/plain' }, body: Buffer.from('hi') });
    assert.equal(text.status, 415);
    assert.match(JSON.parse(text.body.toString()).message, /unsupported content type 'text\/plain'/);
    const none = await request(receiver.port, { body: Buffer.from('hi') });
    assert.equal(none.status, 415);
    const br = await request(receiver.port, { headers: { ...PROTO, 'Content-Encoding': 'br' }, body: Buffer.from('x') });
    assert.equal(br.status, 415);
    assert.match(w.readStatus(br.body).message, /unsupported content encoding 'br'/);
    const notFound = await request(receiver.port, { path: '/v1/metrics', headers: PROTO, body: Buffer.alloc(0) });
    assert.equal(notFound.status, 404);
    const get = await request(receiver.port, { method: 'GET' });
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    assert.equal(sink.batches.length, 0);
  });

  it('answers 429 with Retry-After when the sink is overloaded, 503 when it fails', async () => {
    const body = Buffer.from(serializeSpans('protobuf', await workloadSpans({ traces: 1 })));
    sink.overloadedFor = 7;
    const throttled = await request(receiver.port, { headers: PROTO, body });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '7');
    const status = w.readStatus(throttled.body);
    assert.equal(status.code, 8);
    assert.match(status.details[0].toString('latin1'), /google\.rpc\.RetryInfo/);
    sink.overloadedFor = undefined;
    sink.failWith = new Error('disk full');
    const failed = await request(receiver.port, { headers: JSON_CT, body: Buffer.from(serializeSpans('json', await workloadSpans({ traces: 1 }))) });
    assert.equal(failed.status, 503);
    assert.ok(Number(failed.headers['retry-after']) >= 1);
    assert.deepEqual(JSON.parse(failed.body.toString()).details, [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '5s' }]);
    assert.ok(logs.some((l) => l.startsWith('error') && l.includes('disk full')));
  });

  it('answers only once the sink has made the batch durable', async () => {
    let release: (() => void) | undefined;
    const stored: SpanBatch[] = [];
    sink.ingest = (batch: SpanBatch): Promise<IngestResult> =>
      new Promise((resolve) => {
        release = () => {
          stored.push(batch);
          resolve({ accepted: batch.spans.length, rejected: 0 });
        };
      });
    let answered = false;
    const pending = request(receiver.port, { headers: PROTO, body: Buffer.from(serializeSpans('protobuf', await workloadSpans({ traces: 1 }))) }).then((r) => {
      answered = true;
      return r;
    });
    while (release === undefined) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(answered, false);
    release();
    assert.equal((await pending).status, 200);
    assert.equal(stored.length, 1);
  });

  it('lets a request in flight finish when it is closed', async () => {
    let release: (() => void) | undefined;
    sink.ingest = (batch: SpanBatch): Promise<IngestResult> =>
      new Promise((resolve) => {
        release = () => resolve({ accepted: batch.spans.length, rejected: 0 });
      });
    const pending = request(receiver.port, { headers: PROTO, body: Buffer.from(serializeSpans('protobuf', await workloadSpans({ traces: 1 }))) });
    while (release === undefined) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const closed = receiver.close();
    setTimeout(() => release?.(), 100);
    assert.equal((await pending).status, 200);
    await closed;
    await assert.rejects(request(receiver.port, { headers: PROTO, body: Buffer.alloc(0) }), /ECONNREFUSED/);
  });

  it('answers 408 to a body trickled slower than the request timeout', async () => {
    await start({ requestTimeoutMs: 400 });
    const chunks = Array.from({ length: 20 }, () => Buffer.from([0x0a]));
    const res = await request(receiver.port, { headers: PROTO, body: chunks, chunkDelayMs: 100 }).catch((e: Error) => ({ status: -1, error: e }));
    assert.equal(res.status, 408);
    assert.equal(sink.batches.length, 0);
  });

  it('serves several requests over one keep-alive connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const body = Buffer.from(serializeSpans('protobuf', await workloadSpans({ traces: 1 })));
    const ports = new Set<number>();
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: receiver.port, method: 'POST', path: '/v1/traces', headers: PROTO, agent }, (res) => {
          ports.add(res.socket.localPort ?? 0);
          assert.equal(res.statusCode, 200);
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end(body);
      });
    }
    agent.destroy();
    assert.equal(ports.size, 1);
    assert.equal(sink.batches.length, 3);
  });
});

describe('receiver logging', () => {
  it('passes at most 20 lines a minute per level, then says how many it left out', () => {
    const lines: string[] = [];
    let t = 0;
    const log = throttledLog((level, msg) => lines.push(`${level} ${msg}`), 20, () => t);
    for (let i = 0; i < 100; i++) {
      log('warn', `bad request ${i}`);
      log('debug', `debug ${i}`);
    }
    log('error', 'store failed');
    assert.equal(lines.filter((l) => l.startsWith('warn')).length, 20);
    assert.equal(lines.filter((l) => l.startsWith('debug')).length, 100);
    assert.ok(lines.includes('error store failed'));
    t = 60_000;
    log('warn', 'next minute');
    assert.deepEqual(lines.slice(-2), ['warn 80 similar warn message(s) left out in the last minute', 'warn next minute']);
  });
});
