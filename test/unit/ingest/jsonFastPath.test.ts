import * as assert from 'node:assert/strict';
import type { Span, SpanBatch } from '../../../src/engine/model';
import { decodeTraceRequestJson, decodeTraceRequestJsonSliced, parseJson, traceRequestFromJson, traceRequestJsonSteps } from '../../../src/engine/otlp/jsonDecoder';
import { traceRequestJsonFastSteps } from '../../../src/engine/otlp/jsonFastDecoder';
import { KeySet, OTHER_KEY } from '../../../src/engine/otlp/jsonKeys';
import { numberEnd, numberValue } from '../../../src/engine/otlp/jsonText';
import { LazySpan, spanAttribute } from '../../../src/engine/otlp/lazySpan';
import { EAGER_KEYS } from '../../../src/engine/otlp/protoValues';
import { UNSUPPORTED } from '../../../src/engine/otlp/jsonUnsupported';
import { traceRequestProtoSteps } from '../../../src/engine/otlp/protoDecoder';
import { runSync } from '../../../src/engine/otlp/slices';
import { HexTextCache, ID_NOT_HEX, ID_ZERO } from '../../../src/engine/otlp/strings';
import { serializeSpans, workloadSpans } from '../../support/otelSdk';
import { plainBatch } from './recordingSink';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

/** The fast path's batch, or undefined when it declines (leaving the body to the general path). */
function fast(body: Buffer): SpanBatch | undefined {
  try {
    return plainBatch(runSync(traceRequestJsonFastSteps(body)));
  } catch (e) {
    if (e === UNSUPPORTED) {
      return undefined;
    }
    throw e;
  }
}

/** The general path's outcome: the batch or the error message. */
function general(body: Buffer): SpanBatch | string {
  try {
    return traceRequestFromJson(parseJson(body));
  } catch (e) {
    return (e as Error).message;
  }
}

function decoded(body: Buffer): SpanBatch | string {
  try {
    return plainBatch(decodeTraceRequestJson(body));
  } catch (e) {
    return (e as Error).message;
  }
}

/** A one-span request text with `span` members (raw JSON text) after valid ids. */
function oneSpan(spanMembers: string, extra = ''): string {
  return `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"${TRACE}","spanId":"${SPAN}"${spanMembers}}]}]${extra}}]}`;
}

/** Bodies the fast path must decode itself, to exactly the general path's result. */
const HANDLED: Record<string, string> = {
  'upper-case ids and a zero parent': oneSpan(`,"parentSpanId":"0000000000000000","name":"x"`).replace(TRACE, TRACE.toUpperCase()),
  'int64 and times as strings, enum names': oneSpan(
    `,"kind":"SPAN_KIND_SERVER","startTimeUnixNano":"1795619328393638999","endTimeUnixNano":1795619328400000000,"status":{"code":"STATUS_CODE_ERROR","message":"bad"},"attributes":[{"key":"i","value":{"intValue":"-9007199254740993"}},{"key":"n","value":{"intValue":12}}]`,
  ),
  'doubles, NaN, Infinity, bytes, bools, nulls': oneSpan(
    `,"attributes":[{"key":"d","value":{"doubleValue":1.5e-3}},{"key":"nan","value":{"doubleValue":"NaN"}},{"key":"inf","value":{"doubleValue":"-Infinity"}},{"key":"b","value":{"bytesValue":"3q2+7w=="}},{"key":"t","value":{"boolValue":true}},{"key":"f","value":{"boolValue":false}},{"key":"none","value":null},{"key":"empty","value":{}},{"key":"nulls","value":{"stringValue":null,"intValue":7}}]`,
  ),
  'nested arrays and kvlists': oneSpan(
    `,"attributes":[{"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x"},null,{"arrayValue":{"values":[{"intValue":1}]}},{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":true}}]}}]}}},{"key":"e","value":{"arrayValue":{}}},{"key":"kv","value":{"kvlistValue":{"values":null}}}]`,
  ),
  'escapes and non-ASCII in strings and keys': oneSpan(
    `,"name":"GET /caf\u00e9 \\"q\\" \\u00e9\\n\\t\\\\ ✓ 中","attributes":[{"key":"db.query\\u002etext","value":{"stringValue":"SELECT \\"a\\" FROM t -- é"}}]`,
  ),
  'pretty-printed with a byte order mark': '\ufeff' + JSON.stringify(JSON.parse(oneSpan(',"name":"op","kind":2')), null, 2).replace(/\n/g, '\r\n'),
  'scope after spans, unknown fields of every kind': `{"resourceSpans":[{"schemaUrl":"u","scopeSpans":[{"spans":[{"traceId":"${TRACE}","spanId":"${SPAN}","flags":257,"traceState":"a=b","droppedAttributesCount":0,"x":{"y":[1,-2.5e+3,true,false,null,"s\\u0041",{}]}}],"scope":{"name":"late","version":"","attributes":[]}}],"resource":{"droppedAttributesCount":0,"attributes":[{"key":"service.name","value":{"stringValue":"s"}}]}}],"extra":[]}`,
  'events, links with invalid ids, rejected spans': `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE}","spanId":"${SPAN}","events":[{"timeUnixNano":"1000","name":"e","attributes":[{"key":"k","value":{"stringValue":"v"}}]},{"timeUnixNano":999}],"links":[{"traceId":"${TRACE}","spanId":"0000000000000001","attributes":[]},{"traceId":"zz","spanId":"${SPAN}"}]},{"traceId":"","spanId":"${SPAN}"},{"traceId":"${TRACE}","spanId":"0000000000000000"},{"traceId":"${TRACE}","spanId":"${SPAN}","parentSpanId":"abc"},{"traceId":"${TRACE}","spanId":"${SPAN}","parentSpanId":null}]}]}]}`,
  'empty and null containers': '{"resourceSpans":[{"scopeSpans":[{"spans":[]},{"spans":null},{}],"resource":null},{}]}',
  'no resourceSpans': '{"partialSuccess":{}}',
  'eager attributes value first, twice, with an escaped key, null': oneSpan(
    `,"attributes":[{"value":{"stringValue":"first"},"key":"code.function"},{"key":"x","value":{"intValue":"5"}},{"key":"code.function","value":{"stringValue":"second"}},{"key":"http\\u002eroute","value":{"stringValue":"/r"}},{"key":"url.path","value":null}]`,
  ),
  'a __proto__ attribute key': oneSpan(`,"attributes":[{"key":"__proto__","value":{"stringValue":"p"}},{"key":"k"}]`),
};

/** Bodies the fast path leaves to the general path (which then errs or decides). */
const DECLINED: Record<string, string> = {
  'trailing comma': oneSpan(',"name":"x",'),
  'truncated': oneSpan('').slice(0, -3),
  'control character in a string': oneSpan(',"name":"a\tb"'),
  'leading zero': oneSpan(',"kind":01'),
  'bad escape': oneSpan(',"name":"\\x"'),
  'short unicode escape': oneSpan(',"name":"\\u12"'),
  'text after the document': `${oneSpan('')} x`,
  'a string where an object goes': '{"resourceSpans":["x"]}',
  'a null span': '{"resourceSpans":[{"scopeSpans":[{"spans":[null]}]}]}',
  'a number id': oneSpan(',"parentSpanId":5'),
  'a fractional enum': oneSpan(',"kind":1.5'),
  'an unknown enum name': oneSpan(',"kind":"SERVER"'),
  'a negative time': oneSpan(',"startTimeUnixNano":-1'),
  'a time string with a sign': oneSpan(',"startTimeUnixNano":"+1000"'),
  'a bool as a string': oneSpan(',"attributes":[{"key":"b","value":{"boolValue":"true"}}]'),
  'a bad value in an event attribute': oneSpan(',"events":[{"name":"e","attributes":[{"key":"b","value":{"boolValue":"x"}}]}]'),
  'a bad value in a link attribute': oneSpan(`,"links":[{"traceId":"${TRACE}","spanId":"${SPAN}","attributes":[{"key":"n","value":{"intValue":1.5}}]}]`),
  'a bad value in a nested kvlist': oneSpan(',"attributes":[{"key":"kv","value":{"kvlistValue":{"values":[{"key":"k","value":{"doubleValue":true}}]}}}]'),
  'two value fields': oneSpan(',"attributes":[{"key":"b","value":{"stringValue":"s","intValue":1}}]'),
  'a duplicate field (JSON.parse keeps the last)': oneSpan(',"name":"first","name":"second"'),
  'a duplicate null field': oneSpan(',"attributes":[{"key":"k","value":{"stringValue":"a","stringValue":null}}]'),
  'an escape in an id': oneSpan('').replace(`"spanId":"${SPAN}"`, `"spanId":"\\u0062${SPAN.slice(1)}"`),
  'a document that is an array': '[]',
  // The id cache holds SPAN ('…3331'); a raw control character that lower-cases to '1' is still no digit.
  'a control character in a cached id': oneSpan('').replace(`"spanId":"${SPAN}"`, `"spanId":"${SPAN.slice(0, 15)}\u0011"`),
  'nesting deeper than allowed': oneSpan(`,"attributes":[{"key":"deep","value":${'{"arrayValue":{"values":['.repeat(70)}${']}}'.repeat(70)}}]`),
};

describe('OTLP JSON fast path', () => {
  it('decodes the real SDK JSON payload itself, to exactly what the general path gives', async () => {
    const spans = await workloadSpans({ traces: 30, seed: 7 });
    const body = Buffer.from(serializeSpans('json', spans));
    const batch = fast(body);
    assert.ok(batch !== undefined, 'the fast path declined the SDK payload');
    assert.equal(batch.spans.length, spans.length);
    assert.deepEqual(batch, general(body));
  });

  it('reads the code-object attributes of its lazy spans without decoding the others, before and after ingest settled them', async () => {
    const body = Buffer.from(HANDLED['eager attributes value first, twice, with an escaped key, null'], 'utf8');
    const span = runSync(traceRequestJsonFastSteps(body)).spans[0];
    assert.ok(span instanceof LazySpan);
    assert.deepEqual(span.eager, ['code.function', 'first', 'code.function', 'second', 'http.route', '/r', 'url.path', null]);
    const keys = ['code.function', 'http.route', 'url.path', 'code.namespace'];
    assert.deepEqual(keys.map((k) => spanAttribute(span, k)), ['second', '/r', null, undefined]);
    span.settle();
    assert.deepEqual(keys.map((k) => spanAttribute(span, k)), ['second', '/r', null, undefined]);
    assert.deepEqual(span.attributes, { 'code.function': 'second', x: 5, 'http.route': '/r', 'url.path': null });
    // The SDK's payload: every eager attribute as the full decode has it.
    const sdkBody = Buffer.from(serializeSpans('json', await workloadSpans({ traces: 10, seed: 3 })));
    const lazy = runSync(traceRequestJsonFastSteps(sdkBody)).spans;
    const full = (general(sdkBody) as SpanBatch).spans;
    const eagerOf = (s: Span): unknown[] => [...EAGER_KEYS].map((k) => spanAttribute(s, k));
    assert.deepEqual(lazy.map(eagerOf), full.map(eagerOf));
    assert.ok(full.map(eagerOf).flat().filter((v) => v !== undefined).length > 20, 'the workload has code-object attributes');
  });

  for (const [name, text] of Object.entries(HANDLED)) {
    it(`handles ${name} like the general path`, () => {
      const body = Buffer.from(text, 'utf8');
      const expected = general(body);
      assert.notEqual(typeof expected, 'string', `general path failed: ${String(expected)}`);
      const batch = fast(body);
      assert.ok(batch !== undefined, 'the fast path declined');
      assert.deepEqual(batch, expected);
      assert.deepEqual(decoded(body), expected);
    });
  }

  for (const [name, text] of Object.entries(DECLINED)) {
    it(`leaves ${name} to the general path`, () => {
      const body = Buffer.from(text, 'utf8');
      assert.equal(fast(body), undefined);
      // Same outcome through the public entry point: the general path's batch or its error.
      assert.deepEqual(decoded(body), general(body));
    });
  }

  it('decodes invalid UTF-8 inside strings to the same replacement characters as the general path', () => {
    const text = oneSpan(',"name":"NAME","attributes":[{"key":"k","value":{"stringValue":"VALUE"}}]');
    const body = Buffer.concat(
      text.split(/NAME|VALUE/).flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from(i === 1 ? [0x61, 0xe2, 0x82] : [0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from(part)])),
    );
    const batch = fast(body);
    assert.ok(batch !== undefined);
    assert.deepEqual(batch, general(body));
    assert.equal(batch.spans[0].name, 'a\ufffd');
  });

  it('gives the event loop a turn every 512 spans of a request, however they are split into scope lists', async () => {
    const spans = await workloadSpans({ traces: 200, seed: 4 });
    const body = Buffer.from(serializeSpans('json', spans));
    const expected = Math.floor(spans.length / 512);
    // The SDK writes one scope list per resource and scope: counting per list would give fewer turns.
    const lists = (JSON.parse(body.toString()) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }).resourceSpans.flatMap((rs) => rs.scopeSpans);
    assert.ok(lists.reduce((n, l) => n + Math.floor(l.spans.length / 512), 0) < expected);
    const turns = (steps: Generator<void, SpanBatch>): number => {
      let n = 0;
      let step = steps.next();
      for (; !step.done; step = steps.next()) {
        n++;
      }
      assert.equal(step.value.spans.length, spans.length);
      return n;
    };
    assert.equal(turns(traceRequestJsonFastSteps(body)), expected);
    assert.equal(turns(traceRequestJsonSteps(JSON.parse(body.toString()))), expected);
    assert.equal(turns(traceRequestProtoSteps(serializeSpans('protobuf', spans))), expected);
  });

  it('keeps the general path’s error messages with offsets for malformed bodies', async () => {
    const body = Buffer.from(oneSpan(',"name":"x",'));
    await assert.rejects(decodeTraceRequestJsonSliced(body), /invalid JSON at line 1 column \d+: expected a property name in double quotes, got '}'/);
    assert.throws(() => decodeTraceRequestJson(Buffer.from(oneSpan(',"kind":true'))), /invalid OTLP\/JSON: expected an enum number, got boolean true at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.kind/);
  });
});

describe('hex id text cache', () => {
  it('lower-cases valid ids and tells empty-of-meaning ids apart', () => {
    const ids = new HexTextCache(16, 4);
    const at = (text: string): string => ids.lower(Buffer.from(text, 'latin1'), 0, text.length);
    assert.equal(at('ABCDEF0123456789'), 'abcdef0123456789');
    assert.equal(at('abcdef0123456789'), 'abcdef0123456789');
    assert.equal(at('0000000000000000'), ID_ZERO);
    assert.equal(at('000000000000000g'), ID_NOT_HEX);
    assert.equal(at('abc'), ID_NOT_HEX);
    assert.equal(at('abcdef01234567890'), ID_NOT_HEX);
  });

  it('answers exactly for many ids in few slots (collisions, shared prefixes, mixed case)', () => {
    let seed = 9;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const ids = new HexTextCache(32, 8);
    const texts: string[] = [];
    for (let i = 0; i < 500; i++) {
      let t = i % 3 === 0 && texts.length > 0 ? texts[texts.length - 1].slice(0, 30) : '';
      while (t.length < 32) {
        t += '0123456789abcdefABCDEF'[Math.floor(rand() * 22)];
      }
      texts.push(t);
    }
    const buf = Buffer.from(texts.join(''), 'latin1');
    for (let round = 0; round < 3; round++) {
      texts.forEach((t, i) => assert.equal(ids.lower(buf, i * 32, i * 32 + 32), t.toLowerCase()));
    }
  });
});

describe('JSON fast path tokens', () => {
  it('matches field names by their bytes only', () => {
    const keys = new KeySet(['traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'status']);
    const find = (name: string): number => {
      const b = Buffer.from(`"${name}"`, 'latin1');
      return keys.find(b, 1, b.length - 1);
    };
    assert.deepEqual(['traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'status'].map(find), [0, 1, 2, 3, 4, 5]);
    for (const other of ['', 'traceID', 'tracei', 'nam', 'names', 'kinD', 'statuses', 'spanid']) {
      assert.equal(find(other), OTHER_KEY, other);
    }
  });

  it('reads numbers exactly as JSON.parse does', () => {
    const texts = ['0', '-0', '7', '-42', '123456789012345', '1234567890123456789', '-9007199254740993', '1.5', '-0.25e-3', '1E+400', '2e3', '0.1', '1795619328400000000'];
    for (const text of texts) {
      const buf = Buffer.from(`${text},`, 'latin1');
      const end = numberEnd(buf, 0, buf.length);
      assert.equal(end, text.length, text);
      assert.ok(Object.is(numberValue(buf, 0, end), JSON.parse(text)), text);
    }
    for (const bad of ['-', '1.', '.5', '1e', '-x', '1e+']) {
      const buf = Buffer.from(`${bad},`, 'latin1');
      assert.throws(() => numberEnd(buf, 0, buf.length), (e) => e === UNSUPPORTED, bad);
    }
  });
});
