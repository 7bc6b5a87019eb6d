import * as assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as http2 from 'node:http2';
import type { Span } from '../../../src/engine/model';
import { GRPC_CONNECTION_WINDOW_BYTES, GRPC_STREAM_WINDOW_BYTES, TRACE_EXPORT_PATH, startOtlpGrpcReceiver } from '../../../src/engine/receivers/grpc';
import { startOtlpHttpReceiver } from '../../../src/engine/receivers/http';
import type { ReceiverHandle } from '../../../src/engine/receivers/export';
import { emitWorkload, makeExporter, serializeSpans, workloadSpans } from '../../support/otelSdk';
import { RecordingSink, sortSpans } from './recordingSink';
import { RefExportTraceServiceResponse } from './reference';
import * as w from './wire';

const passThrough = (b: Buffer): Buffer => b;

/** A raw unary call to TraceService/Export, returning the response bytes or the gRPC error. */
function rawExport(port: number, body: Buffer): Promise<{ response?: Buffer; error?: grpc.ServiceError }> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 128 * 1024 * 1024 });
  return new Promise((resolve) => {
    client.makeUnaryRequest(TRACE_EXPORT_PATH, passThrough, passThrough, body, (error, response) => {
      client.close();
      resolve(error ? { error } : { response });
    });
  });
}

describe('OTLP/gRPC receiver', function () {
  this.timeout(30_000);
  let sink: RecordingSink;
  let receiver: ReceiverHandle;

  beforeEach(async () => {
    sink = new RecordingSink();
    receiver = await startOtlpGrpcReceiver({ host: '127.0.0.1', port: 0, sink });
  });
  afterEach(async () => {
    await receiver.close();
  });

  for (const gzip of [false, true]) {
    it(`stores what the real SDK gRPC exporter sends (gzip ${gzip ? 'on' : 'off'})`, async () => {
      const summary = await emitWorkload(makeExporter('grpc', `http://127.0.0.1:${receiver.port}`, { gzip }), { traces: 5, batchSize: 25 });
      assert.equal(sink.spans.length, summary.spans);
      assert.equal(sink.batches.length, Math.ceil(summary.spans / 25));
      assert.ok(sink.batches.every((b) => b.origin.transport === 'grpc'));
    });
  }

  it('answers partial success for spans with bad ids', async () => {
    const body = w.request([], w.len(1, 'lib'), [
      Buffer.concat([w.len(1, Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex')), w.len(2, Buffer.alloc(8)), w.len(5, 'zero span id')]),
    ]);
    const { response, error } = await rawExport(receiver.port, body);
    assert.equal(error, undefined);
    assert.ok(response);
    const decoded = RefExportTraceServiceResponse.toObject(RefExportTraceServiceResponse.decode(response), { longs: String });
    assert.deepEqual(decoded, { partialSuccess: { rejectedSpans: '1', errorMessage: '1 span(s) rejected: 1 × invalid span id (must be 8 bytes, not all zero)' } });
    assert.equal(sink.spans.length, 0);
    assert.equal(sink.rejected, 1);
  });

  it('answers INVALID_ARGUMENT with the reason for malformed protobuf', async () => {
    const { error } = await rawExport(receiver.port, Buffer.from([0x0a, 0x05, 0x01]));
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error?.details ?? '', /length 5 runs past the end/);
    assert.equal(sink.batches.length, 0);
  });

  it('answers RESOURCE_EXHAUSTED with RetryInfo when overloaded, UNAVAILABLE when the sink fails', async () => {
    const body = Buffer.from(serializeSpans('protobuf', await workloadSpans({ traces: 1 })));
    sink.overloadedFor = 3;
    const throttled = await rawExport(receiver.port, body);
    assert.equal(throttled.error?.code, grpc.status.RESOURCE_EXHAUSTED);
    const details = throttled.error?.metadata.get('grpc-status-details-bin')[0] as Buffer;
    const status = w.readStatus(details);
    assert.equal(status.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(status.details[0].toString('latin1'), /google\.rpc\.RetryInfo/);
    sink.overloadedFor = undefined;
    sink.failWith = new Error('store broken');
    assert.equal((await rawExport(receiver.port, body)).error?.code, grpc.status.UNAVAILABLE);
  });

  it('opens each connection with wider HTTP/2 receive windows than the 64 KiB default', async () => {
    const client = http2.connect(`http://127.0.0.1:${receiver.port}`);
    try {
      // The stream window comes in a SETTINGS frame, the connection window in a WINDOW_UPDATE.
      const seen = await new Promise<{ stream?: number; connection?: number }>((resolve, reject) => {
        client.once('error', reject);
        const read = () => ({ stream: client.remoteSettings.initialWindowSize, connection: client.state.remoteWindowSize });
        const poll = setInterval(() => {
          const now = read();
          if (now.stream === GRPC_STREAM_WINDOW_BYTES && now.connection === GRPC_CONNECTION_WINDOW_BYTES) {
            clearInterval(poll);
            clearTimeout(giveUp);
            resolve(now);
          }
        }, 5);
        const giveUp = setTimeout(() => {
          clearInterval(poll);
          resolve(read());
        }, 3_000);
      });
      assert.deepEqual(seen, { stream: GRPC_STREAM_WINDOW_BYTES, connection: GRPC_CONNECTION_WINDOW_BYTES });
      assert.ok(GRPC_STREAM_WINDOW_BYTES > 65_535 && GRPC_CONNECTION_WINDOW_BYTES > GRPC_STREAM_WINDOW_BYTES);
    } finally {
      client.close();
    }
  });

  it('takes 8 concurrent Export calls of the real SDK’s bytes on one connection', async () => {
    // 8 × 128 spans, ~60 KB each: together more than a 64 KiB window.
    const spans = await workloadSpans({ traces: 150 });
    assert.ok(spans.length >= 1024);
    const bodies = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => Buffer.from(serializeSpans('protobuf', spans.slice(i * 128, i * 128 + 128))));
    const client = new grpc.Client(`127.0.0.1:${receiver.port}`, grpc.credentials.createInsecure());
    try {
      const errors = await Promise.all(
        bodies.map((body) => new Promise<grpc.ServiceError | null>((resolve) => client.makeUnaryRequest(TRACE_EXPORT_PATH, passThrough, passThrough, body, (error) => resolve(error)))),
      );
      assert.deepEqual(errors, bodies.map(() => null));
      assert.equal(sink.batches.length, 8);
      assert.equal(sink.spans.length, 1024);
    } finally {
      client.close();
    }
  });

  it('accepts messages above gRPC’s 4 MiB default and refuses them past the configured limit', async () => {
    const blob = 'x'.repeat(5 * 1024 * 1024);
    const big = w.request([], w.len(1, 'lib'), [
      Buffer.concat([w.len(1, Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex')), w.len(2, Buffer.from('b7ad6b7169203331', 'hex')), w.keyValue(9, 'blob', w.stringValue(blob))]),
    ]);
    const ok = await rawExport(receiver.port, big);
    assert.equal(ok.error, undefined);
    assert.equal(sink.spans.length, 1);
    assert.equal(sink.spans[0].attributes.blob, blob);
    const small = await startOtlpGrpcReceiver({ host: '127.0.0.1', port: 0, sink, maxBodyBytes: 1024 * 1024 });
    try {
      const refused = await rawExport(small.port, big);
      assert.equal(refused.error?.code, grpc.status.RESOURCE_EXHAUSTED);
    } finally {
      await small.close();
    }
  });
});

describe('OTLP encodings', function () {
  this.timeout(30_000);

  it('protobuf, JSON and gRPC from the real SDK (gzip on and off) give identical spans', async () => {
    const results: Span[][] = [];
    let sent = 0;
    for (const kind of ['proto', 'json', 'grpc'] as const) {
      for (const gzip of [false, true]) {
        const sink = new RecordingSink();
        const start = kind === 'grpc' ? startOtlpGrpcReceiver : startOtlpHttpReceiver;
        const receiver = await start({ host: '127.0.0.1', port: 0, sink });
        try {
          const url = kind === 'grpc' ? `http://127.0.0.1:${receiver.port}` : `http://127.0.0.1:${receiver.port}/v1/traces`;
          sent = (await emitWorkload(makeExporter(kind, url, { gzip }), { traces: 8, batchSize: 30 })).spans;
        } finally {
          await receiver.close();
        }
        results.push(sortSpans(sink.spans));
      }
    }
    assert.equal(results[0].length, sent);
    assert.ok(sent > 90);
    for (const r of results.slice(1)) {
      assert.deepEqual(r, results[0]);
    }
  });
});
