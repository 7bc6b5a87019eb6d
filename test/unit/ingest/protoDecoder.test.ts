import * as assert from 'node:assert/strict';
import { DecodeError } from '../../../src/engine/model';
import { LazySpan, plainSpan, spanAttribute } from '../../../src/engine/otlp/lazySpan';
import { decodeTraceRequestProto, decodeTraceRequestProtoSliced } from '../../../src/engine/otlp/protoDecoder';
import { serializeSpans, summarize, workloadSpans } from '../../support/otelSdk';
import { RefExportTraceServiceRequest, refDecodeSpans } from './reference';
import * as w from './wire';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const PARENT = '00f067aa0ba902b7';

function encodeRef(request: unknown): Uint8Array {
  return RefExportTraceServiceRequest.encode(RefExportTraceServiceRequest.fromObject(request)).finish();
}
const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

function spanBytes(parts: Buffer[]): Buffer {
  return Buffer.concat(parts);
}
const validIds = (): Buffer[] => [w.len(1, Buffer.from(TRACE, 'hex')), w.len(2, Buffer.from(SPAN, 'hex'))];

describe('OTLP protobuf decoder', () => {
  it('decodes the real SDK payload exactly as the reference protobufjs decoding does', async () => {
    const sdkSpans = await workloadSpans({ traces: 10 });
    const bytes = serializeSpans('protobuf', sdkSpans);
    const batch = decodeTraceRequestProto(bytes);
    const summary = summarize(sdkSpans);
    assert.equal(batch.rejected, 0);
    assert.equal(batch.spans.length, summary.spans);
    assert.deepEqual(batch.spans.map(plainSpan), refDecodeSpans(bytes));
    // Spot checks against what the SDK was asked to produce.
    assert.deepEqual([...new Set(batch.spans.map((s) => s.resource.serviceName))].sort(), ['frontend', 'inventory', 'orders']);
    const sdkById = new Map(sdkSpans.map((s) => [s.spanContext().spanId, s]));
    for (const span of batch.spans) {
      const sdk = sdkById.get(span.spanId);
      assert.ok(sdk, `span ${span.spanId} came from the SDK`);
      assert.equal(span.traceId, sdk.spanContext().traceId);
      assert.equal(span.name, sdk.name);
      assert.equal(span.parentSpanId, sdk.parentSpanContext?.spanId);
      assert.equal(span.startUs, sdk.startTime[0] * 1e6 + Math.floor(sdk.startTime[1] / 1000));
      assert.equal(span.endUs, sdk.endTime[0] * 1e6 + Math.floor(sdk.endTime[1] / 1000));
    }
    const load = batch.spans.find((s) => s.name === 'OrderRepository.load' && s.statusCode === 2);
    assert.ok(load);
    assert.equal(load.events[0].name, 'exception');
    assert.match(String(load.events[0].attributes['exception.message']), /not found/);
    assert.equal(load.attributes['code.function.name'], 'OrderRepository.load');
    const consumer = batch.spans.find((s) => s.kind === 5);
    assert.ok(consumer);
    assert.equal(consumer.links.length, 1);
    assert.equal(consumer.links[0].attributes['messaging.message.id'], 'm-1000');
  });

  it('shares one resource object per ResourceSpans and one scope per ScopeSpans', async () => {
    const batch = decodeTraceRequestProto(serializeSpans('protobuf', await workloadSpans({ traces: 3 })));
    const byService = new Map<string, unknown>();
    for (const span of batch.spans) {
      const seen = byService.get(span.resource.serviceName) ?? span.resource;
      byService.set(span.resource.serviceName, seen);
      assert.equal(span.resource, seen);
    }
  });

  it('reads every attribute value type, 64-bit integers and exact microsecond times', () => {
    const bytes = encodeRef({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeSpans: [
            {
              scope: { name: 'lib', version: '2.1' },
              spans: [
                {
                  traceId: b64(TRACE),
                  spanId: b64(SPAN),
                  parentSpanId: b64(PARENT),
                  name: 'naïve ✓ span',
                  kind: 3,
                  startTimeUnixNano: '1795619328393638999',
                  endTimeUnixNano: '1795619328400000001',
                  attributes: [
                    { key: 's', value: { stringValue: 'x'.repeat(100) } },
                    { key: 'b', value: { boolValue: true } },
                    { key: 'i', value: { intValue: '-42' } },
                    { key: 'min', value: { intValue: '-9223372036854775808' } },
                    { key: 'max', value: { intValue: '9223372036854775807' } },
                    { key: 'd', value: { doubleValue: -0.125 } },
                    { key: 'a', value: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'two' }, { arrayValue: { values: [{ boolValue: false }] } }] } } },
                    { key: 'kv', value: { kvlistValue: { values: [{ key: 'inner', value: { doubleValue: 2.5 } }, { key: 'none', value: {} }] } } },
                    { key: 'bytes', value: { bytesValue: Buffer.from([0, 1, 2, 255]).toString('base64') } },
                    { key: 'empty', value: {} },
                  ],
                  events: [{ timeUnixNano: '1795619328394000500', name: 'ev', attributes: [{ key: 'k', value: { stringValue: 'v' } }] }],
                  links: [{ traceId: b64(TRACE), spanId: b64(PARENT), attributes: [{ key: 'l', value: { intValue: '7' } }] }],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    const batch = decodeTraceRequestProto(bytes);
    assert.deepEqual(batch.spans.map(plainSpan), refDecodeSpans(bytes));
    const [span] = batch.spans;
    assert.equal(span.name, 'naïve ✓ span');
    assert.equal(span.parentSpanId, PARENT);
    assert.equal(span.startUs, 1795619328393638);
    assert.equal(span.endUs, 1795619328400000);
    assert.equal(span.kind, 3);
    assert.equal(span.statusCode, 2);
    assert.equal(span.statusMessage, 'boom');
    assert.deepEqual(span.scope, { name: 'lib', version: '2.1' });
    assert.deepEqual(span.attributes, {
      s: 'x'.repeat(100),
      b: true,
      i: -42,
      min: -(2 ** 63),
      max: 2 ** 63, // 9223372036854775807 rounds to 2^63
      d: -0.125,
      a: [1, 'two', [false]],
      kv: { inner: 2.5, none: null },
      bytes: 'AAEC/w==',
      empty: null,
    });
    assert.deepEqual(span.events, [{ name: 'ev', timeUs: 1795619328394000, attributes: { k: 'v' } }]);
    assert.deepEqual(span.links, [{ traceId: TRACE, spanId: PARENT, attributes: { l: 7 } }]);
  });

  it('accepts fields in any order, skips unknown fields of every wire type, merges repeated messages', () => {
    const attrs = [w.keyValue(9, 'a', w.stringValue('1')), w.keyValue(9, 'b', w.vint(3, 2))];
    const inOrder = w.request([w.keyValue(1, 'service.name', w.stringValue('svc'))], w.len(1, 'lib'), [
      spanBytes([...validIds(), w.len(5, 'op'), w.vint(6, 2), w.fixed64(7, 1_000_000n), w.fixed64(8, 3_000_000n), ...attrs, w.len(15, w.vint(3, 1))]),
    ]);
    const shuffled = w.len(
      1,
      w.unknownFields(),
      // scope_spans before resource, scope after spans, resource split in two messages
      w.len(
        2,
        w.len(2, spanBytes([w.len(15, w.vint(3, 1), w.unknownFields()), attrs[1], w.fixed64(8, 3_000_000n), w.unknownFields(), w.len(5, 'op'), ...validIds().reverse(), w.fixed64(7, 1_000_000n), attrs[0], w.vint(6, 2)])),
        w.len(1, w.unknownFields(), w.len(1, 'lib')),
      ),
      w.len(1, w.unknownFields()),
      w.len(1, w.keyValue(1, 'service.name', w.stringValue('svc'))),
    );
    const expected = decodeTraceRequestProto(inOrder);
    assert.equal(expected.spans.length, 1);
    assert.equal(expected.spans[0].resource.serviceName, 'svc');
    const got = decodeTraceRequestProto(Buffer.concat([w.unknownFields(), shuffled, w.unknownFields()]));
    assert.deepEqual({ ...got, spans: got.spans.map(plainSpan) }, { ...expected, spans: expected.spans.map(plainSpan) });
    // End before start in the bytes: the span keeps start and duration, the end is exact.
    assert.deepEqual([got.spans[0].startUs, got.spans[0].endUs], [1000, 3000]);
  });

  it('reads the code-object attributes the same before and after ingest settled the span', async () => {
    const bytes = serializeSpans('protobuf', await workloadSpans({ traces: 10 }));
    const keys = ['code.function.name', 'code.function', 'code.namespace', 'code.file.path', 'code.lineno', 'code.line.number', 'http.route', 'http.request.method', 'url.path', 'messaging.destination.name'];
    const before = decodeTraceRequestProto(bytes).spans.map((s) => keys.map((k) => spanAttribute(s, k)));
    const spans = decodeTraceRequestProto(bytes).spans;
    for (const s of spans) {
      assert.ok(s instanceof LazySpan);
      s.settle();
    }
    assert.deepEqual(spans.map((s) => keys.map((k) => spanAttribute(s, k))), before);
    assert.ok(before.flat().filter((v) => v !== undefined).length > 20, 'the workload has code-object attributes');
    assert.deepEqual(spans.map(plainSpan), refDecodeSpans(bytes));
  });

  it('drops spans with invalid ids and reports them as partial success', () => {
    const bad = (ids: Buffer[], name: string): Buffer => spanBytes([...ids, w.len(5, name)]);
    const bytes = w.request([], w.len(1, 'lib'), [
      bad(validIds(), 'good'),
      bad([w.len(1, Buffer.alloc(16)), w.len(2, Buffer.from(SPAN, 'hex'))], 'zero trace id'),
      bad([w.len(1, Buffer.from(TRACE.slice(2), 'hex')), w.len(2, Buffer.from(SPAN, 'hex'))], 'short trace id'),
      bad([w.len(1, Buffer.from(TRACE, 'hex'))], 'no span id'),
      bad([...validIds(), w.len(4, Buffer.from('0102', 'hex'))], 'short parent'),
      bad([...validIds(), w.len(4, Buffer.alloc(8))], 'zero parent means root'),
    ]);
    const batch = decodeTraceRequestProto(bytes);
    assert.deepEqual(
      batch.spans.map((s) => [s.name, s.parentSpanId]),
      [
        ['good', undefined],
        ['zero parent means root', undefined],
      ],
    );
    assert.equal(batch.rejected, 4);
    assert.match(batch.rejectReason ?? '', /4 span\(s\) rejected/);
    assert.match(batch.rejectReason ?? '', /2 × invalid trace id/);
    assert.match(batch.rejectReason ?? '', /1 × invalid span id/);
    assert.match(batch.rejectReason ?? '', /1 × invalid parent span id/);
  });

  it('throws DecodeError with an offset for every truncation of a real payload', async () => {
    const bytes = Buffer.from(serializeSpans('protobuf', await workloadSpans({ traces: 1 })));
    let errors = 0;
    for (let n = 1; n < bytes.length; n++) {
      try {
        decodeTraceRequestProto(bytes.subarray(0, n));
      } catch (e) {
        assert.ok(e instanceof DecodeError, `prefix ${n}: ${String(e)}`);
        assert.ok(e.offset !== undefined && e.offset >= 0 && e.offset <= n, `prefix ${n}: offset ${e.offset}`);
        assert.match(e.message, /malformed protobuf: .* \(at offset \d+\)/);
        errors++;
      }
    }
    // Only the cut right after a whole ResourceSpans is itself a valid request.
    assert.ok(errors >= bytes.length - 4, `${errors} errors for ${bytes.length} prefixes`);
  });

  it('answers garbage with DecodeError or a valid batch, never another exception', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let decodeErrors = 0;
    for (let i = 0; i < 2000; i++) {
      const buf = Buffer.alloc(1 + Math.floor(rand() * 200));
      for (let j = 0; j < buf.length; j++) {
        buf[j] = Math.floor(rand() * 256);
      }
      try {
        const batch = decodeTraceRequestProto(buf);
        assert.ok(Array.isArray(batch.spans));
      } catch (e) {
        assert.ok(e instanceof DecodeError, String(e));
        decodeErrors++;
      }
    }
    assert.ok(decodeErrors > 1000);
  });

  it('answers corrupted real payloads (flipped bytes) with DecodeError or a valid batch', async () => {
    const bytes = Buffer.from(serializeSpans('protobuf', await workloadSpans({ traces: 1 })));
    let seed = 3;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let errors = 0;
    for (let i = 0; i < 3000; i++) {
      const copy = Buffer.from(bytes);
      for (let k = 1 + rand(3); k > 0; k--) {
        copy[rand(copy.length)] = rand(256);
      }
      try {
        const batch = decodeTraceRequestProto(copy);
        for (const span of batch.spans) {
          assert.match(span.traceId, /^[0-9a-f]{32}$/);
          assert.match(span.spanId, /^[0-9a-f]{16}$/);
        }
      } catch (e) {
        assert.ok(e instanceof DecodeError, String(e));
        errors++;
      }
    }
    assert.ok(errors > 100, `${errors} errors`);
  });

  it('rejects invalid wire types, overlong varints and lengths past the end', () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from([0x0b]), /unsupported wire type 3/],
      [Buffer.from([0x00]), /invalid tag 0/],
      [Buffer.concat([Buffer.from([0x08]), Buffer.alloc(10, 0xff), Buffer.from([0x01])]), /varint longer than 10 bytes/],
      [Buffer.from([0x0a, 0x05, 0x0a]), /runs past the end/],
      [w.len(1, w.len(2, w.len(2, Buffer.from([0x39, 1, 2])))), /truncated fixed64/],
    ];
    for (const [bytes, reason] of cases) {
      assert.throws(() => decodeTraceRequestProto(bytes), (e: unknown) => e instanceof DecodeError && reason.test(e.message));
    }
  });

  it('refuses attribute values nested deeper than 64 levels without exhausting the stack', () => {
    let value = w.stringValue('leaf');
    for (let i = 0; i < 5000; i++) {
      value = w.len(5, w.len(1, value));
    }
    const bytes = w.request([], w.len(1, 'lib'), [spanBytes([...validIds(), w.keyValue(9, 'deep', value)])]);
    assert.throws(() => decodeTraceRequestProto(bytes), /nested deeper than 64 levels/);
    let ok = w.stringValue('leaf');
    for (let i = 0; i < 60; i++) {
      ok = w.len(5, w.len(1, ok));
    }
    const shallow = decodeTraceRequestProto(w.request([], w.len(1, 'lib'), [spanBytes([...validIds(), w.keyValue(9, 'deep', ok)])]));
    assert.equal(JSON.stringify(shallow.spans[0].attributes.deep), `${'['.repeat(60)}"leaf"${']'.repeat(60)}`);
  });

  it('decodes the same in time slices as in one go', async () => {
    const bytes = serializeSpans('protobuf', await workloadSpans({ traces: 200 }));
    assert.deepEqual(await decodeTraceRequestProtoSliced(bytes), decodeTraceRequestProto(bytes));
  });

  it('keeps an attribute named __proto__ as plain data', () => {
    const bytes = w.request([], w.len(1, 'lib'), [
      spanBytes([...validIds(), w.keyValue(9, '__proto__', w.len(6, w.keyValue(1, 'polluted', w.stringValue('yes')))), w.keyValue(9, 'a', w.stringValue('b'))]),
    ]);
    const [span] = decodeTraceRequestProto(bytes).spans;
    assert.equal(Object.getPrototypeOf(span.attributes), Object.prototype);
    assert.deepEqual(Object.keys(span.attributes), ['__proto__', 'a']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(span.attributes, '__proto__')?.value, { polluted: 'yes' });
    assert.equal((span.attributes as Record<string, unknown>).polluted, undefined);
  });

  it('decodes an empty request to an empty batch', () => {
    assert.deepEqual(decodeTraceRequestProto(new Uint8Array(0)), { spans: [], rejected: 0 });
  });
});
