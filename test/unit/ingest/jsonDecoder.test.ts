import * as assert from 'node:assert/strict';
import { DecodeError } from '../../../src/engine/model';
import { decodeTraceRequestJson, decodeTraceRequestJsonSliced } from '../../../src/engine/otlp/jsonDecoder';
import { findJsonSyntaxError } from '../../../src/engine/otlp/jsonSyntax';
import { decodeTraceRequestProto } from '../../../src/engine/otlp/protoDecoder';
import { serializeSpans, workloadSpans } from '../../support/otelSdk';
import { plainBatch } from './recordingSink';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

/** A one-span request with `span` merged over a valid span. */
function requestWith(span: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [{ scope: { name: 'lib' }, spans: [{ traceId: TRACE, spanId: SPAN, name: 'op', ...span }] }],
        ...extra,
      },
    ],
  };
}

function expectShapeError(body: unknown, path: string, reason: RegExp): void {
  assert.throws(
    () => decodeTraceRequestJson(JSON.stringify(body)),
    (e: unknown) => {
      assert.ok(e instanceof DecodeError, String(e));
      assert.ok(e.message.endsWith(` at ${path}`), `${e.message} should name ${path}`);
      assert.match(e.message, reason);
      return true;
    },
  );
}

describe('OTLP JSON decoder', () => {
  it('decodes the real SDK JSON payload to the same spans as its protobuf payload', async () => {
    const spans = await workloadSpans({ traces: 10 });
    const fromJson = decodeTraceRequestJson(serializeSpans('json', spans));
    const fromProto = decodeTraceRequestProto(serializeSpans('protobuf', spans));
    assert.equal(fromJson.spans.length, spans.length);
    assert.deepEqual(plainBatch(fromJson), plainBatch(fromProto));
  });

  it('accepts upper-case ids, int64 as numbers or strings, enum names, base64 bytes and special doubles', () => {
    const batch = decodeTraceRequestJson(
      JSON.stringify(
        requestWith({
          traceId: TRACE.toUpperCase(),
          spanId: SPAN.toUpperCase(),
          parentSpanId: 'ABCDEF0123456789',
          kind: 'SPAN_KIND_SERVER',
          startTimeUnixNano: '1795619328393638999',
          endTimeUnixNano: 1795619328400000000,
          status: { code: 'STATUS_CODE_ERROR', message: 'bad' },
          attributes: [
            { key: 'i', value: { intValue: '-9007199254740993' } },
            { key: 'n', value: { intValue: 12 } },
            { key: 'nan', value: { doubleValue: 'NaN' } },
            { key: 'inf', value: { doubleValue: '-Infinity' } },
            { key: 'bytes', value: { bytesValue: 'AAEC/w' } },
            { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { boolValue: false } }] } } },
            { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, null, {}] } } },
            { key: 'nothing' },
          ],
          events: [{ timeUnixNano: '1795619328394000500', name: 'ev' }],
          links: [{ traceId: TRACE, spanId: 'ABCDEF0123456789' }, { traceId: 'zz', spanId: SPAN }],
          unknownField: { deeply: ['ignored'] },
        }),
      ),
    );
    assert.equal(batch.rejected, 0);
    const [span] = batch.spans;
    assert.equal(span.traceId, TRACE);
    assert.equal(span.spanId, SPAN);
    assert.equal(span.parentSpanId, 'abcdef0123456789');
    assert.equal(span.kind, 2);
    assert.equal(span.startUs, 1795619328393638);
    assert.equal(span.endUs, 1795619328400000);
    assert.equal(span.statusCode, 2);
    assert.equal(span.statusMessage, 'bad');
    assert.deepEqual(span.attributes, {
      i: -9007199254740992,
      n: 12,
      nan: NaN,
      inf: -Infinity,
      bytes: 'AAEC/w==',
      kv: { x: false },
      arr: ['a', null, null],
      nothing: null,
    });
    assert.deepEqual(span.events, [{ name: 'ev', timeUs: 1795619328394000, attributes: {} }]);
    // the link with an invalid id is dropped, the span stays
    assert.deepEqual(span.links, [{ traceId: TRACE, spanId: 'abcdef0123456789', attributes: {} }]);
    assert.equal(span.resource.serviceName, 'svc');
  });

  it('names the path of a value of the wrong shape', () => {
    const body = requestWith({});
    const spans = (body.resourceSpans as { scopeSpans: { spans: unknown[] }[] }[])[0].scopeSpans[0].spans;
    spans.push({ traceId: TRACE, spanId: SPAN }, { traceId: TRACE, spanId: SPAN }, { traceId: 12, spanId: SPAN });
    expectShapeError(body, 'resourceSpans[0].scopeSpans[0].spans[3].traceId', /expected a string, got number 12/);
    expectShapeError(requestWith({ attributes: {} }), 'resourceSpans[0].scopeSpans[0].spans[0].attributes', /expected an array/);
    expectShapeError(
      requestWith({ attributes: [{ key: 'a', value: { stringValue: 'x' } }, { key: 'b', value: { intValue: 'x1' } }] }),
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[1].value.intValue',
      /expected an integer/,
    );
    expectShapeError(
      requestWith({ attributes: [{ key: 'a', value: { arrayValue: { values: [{ boolValue: 'yes' }] } } }] }),
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue.values[0].boolValue',
      /expected a boolean/,
    );
    expectShapeError(requestWith({ startTimeUnixNano: -5 }), 'resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano', /non-negative integer/);
    expectShapeError(requestWith({ kind: 'SERVER' }), 'resourceSpans[0].scopeSpans[0].spans[0].kind', /enum/);
    expectShapeError(requestWith({ events: [{ name: 5 }] }), 'resourceSpans[0].scopeSpans[0].spans[0].events[0].name', /expected a string/);
    expectShapeError(requestWith({ status: [] }), 'resourceSpans[0].scopeSpans[0].spans[0].status', /expected an object, got an array/);
    expectShapeError(requestWith({}, { resource: { attributes: [5] } }), 'resourceSpans[0].resource.attributes[0]', /expected an object/);
    expectShapeError({ resourceSpans: {} }, 'resourceSpans', /expected an array/);
    expectShapeError([1, 2], '(root)', /expected an object/);
  });

  it('rejects spans with invalid ids as partial success', () => {
    const body = requestWith({});
    const spans = (body.resourceSpans as { scopeSpans: { spans: unknown[] }[] }[])[0].scopeSpans[0].spans;
    spans.push(
      { traceId: '', spanId: SPAN },
      { traceId: '0'.repeat(32), spanId: SPAN },
      { traceId: TRACE, spanId: 'xyz' },
      { traceId: `${TRACE}00`, spanId: SPAN },
      { traceId: TRACE, spanId: SPAN, parentSpanId: '0000000000000000', name: 'root' },
    );
    const batch = decodeTraceRequestJson(JSON.stringify(body));
    assert.deepEqual(
      batch.spans.map((s) => [s.name, s.parentSpanId]),
      [
        ['op', undefined],
        ['root', undefined],
      ],
    );
    assert.equal(batch.rejected, 4);
    assert.match(batch.rejectReason ?? '', /3 × invalid trace id.*1 × invalid span id/);
  });

  it('keeps an attribute named __proto__ as plain data', () => {
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE}","spanId":"${SPAN}","attributes":[{"key":"__proto__","value":{"kvlistValue":{"values":[{"key":"polluted","value":{"boolValue":true}}]}}}]}]}]}]}`;
    const [span] = decodeTraceRequestJson(body).spans;
    assert.equal(Object.getPrototypeOf(span.attributes), Object.prototype);
    assert.deepEqual(Object.keys(span.attributes), ['__proto__']);
    assert.equal((span.attributes as Record<string, unknown>).polluted, undefined);
  });

  it('decodes the same in time slices as in one go', async () => {
    const body = serializeSpans('json', await workloadSpans({ traces: 200 }));
    assert.deepEqual(plainBatch(await decodeTraceRequestJsonSliced(body)), plainBatch(decodeTraceRequestJson(body)));
  });
});

describe('JSON syntax errors', () => {
  it('names line, column and byte offset of the first error, whatever JSON.parse says', () => {
    const cases: [string, number, RegExp][] = [
      ['{"resourceSpans": [ }', 20, /line 1 column 21: unexpected '}'/],
      ['{"a": 1,}', 8, /expected a property name/],
      ['[1, 2,]', 6, /unexpected '\]'/],
      ['{"a": "x\u0001"}', 8, /invalid string/],
      ['{"ü": 1} x', 10, /after the end of the document/],
      ['{\n  "a": tru\n}', 9, /line 2 column 8: unexpected 't'/],
      ['', 0, /unexpected end of input/],
      ['{"a": [1, 2', 11, /unexpected end of input/],
    ];
    for (const [text, offset, reason] of cases) {
      assert.throws(
        () => decodeTraceRequestJson(Buffer.from(text)),
        (e: unknown) => e instanceof DecodeError && e.offset === offset && reason.test(e.message),
        `${JSON.stringify(text)} → offset ${offset} ${String(reason)}`,
      );
    }
  });

  it('accepts valid documents of any nesting depth', () => {
    assert.equal(findJsonSyntaxError(`${'['.repeat(20000)}${']'.repeat(20000)}`), undefined);
    assert.equal(findJsonSyntaxError('{"a": [1, -2.5e3, "x\\"y\\u00e9", true, false, null, {}, []], "b": {"c": {}}}'), undefined);
  });
});
