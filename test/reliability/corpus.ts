/**
 * The bad-input corpus: every case, how it is sent, and the answer the engine documents for it
 * (README "Reliability"). Protobuf payload cases run over OTLP/HTTP and OTLP/gRPC alike; JSON cases
 * over OTLP/HTTP; transport cases each over their own protocol.
 */
import * as w from '../unit/ingest/wire';
import { readStatus } from '../unit/ingest/wire';
import { request } from '../unit/ingest/httpClient';
import { RefExportTraceServiceResponse } from '../unit/ingest/reference';
import { grpcCall, grpcFrame, rawSocket, streamBody } from './clients';
import {
  anyDouble,
  anyInt,
  anyString,
  gzipBomb,
  jsonBody,
  jsonRequest,
  jsonSpan,
  jsonWithRawAttr,
  jsonWithRawField,
  kv,
  manyAttrs,
  nestedArrayValue,
  nestedKvlistValue,
  newId,
  nowNs,
  pbRequest,
  pbSpan,
  seededBytes,
} from './payloads';
import { deflateSync, gzipSync } from 'node:zlib';

export interface Ports {
  http: number;
  grpc: number;
}

/** What came back: an HTTP status or a gRPC code, the reason given, and partial-success figures. */
export interface Attempt {
  /**
   * HTTP status, gRPC status code, the HTTP/2 status negated when a gRPC call got no gRPC status
   * (e.g. -415), or 'closed' (connection closed without an answer).
   */
  status: number | 'closed';
  reason: string;
  rejected: number;
  /** Extra facts a case checks (bytes sent before the answer, time to the answer). */
  bytesSent?: number;
  elapsedMs?: number;
}

export interface Expectation {
  /** One of these statuses; 'closed' = the server closed the connection without an answer. */
  status: (number | 'closed')[];
  /** Spans reported rejected in partial success (200 / OK answers). */
  rejected?: number;
  /** The reason must match (error message, or partial success error_message). */
  reason?: RegExp;
  /** Extra check on the attempt. */
  check?: (a: Attempt) => string | undefined;
}

export interface BadInput {
  name: string;
  transport: 'OTLP/HTTP' | 'OTLP/gRPC';
  expect: Expectation;
  /** Spans of service `bad-input` named `storedName` that must be stored by this case. */
  stores?: { name: string; count: number };
  run(ports: Ports): Promise<Attempt>;
}

const PB = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };
const MiB = 1024 * 1024;
/** The engine's limit on an OTLP body after decompression. */
export const MAX_BODY = 64 * MiB;

// ── answers ─────────────────────────────────────────────────────────────────────────────────────

/** `ExportTraceServiceResponse.partial_success` of protobuf bytes, read by the reference protobufjs decoder. */
export function readPartialSuccess(buf: Buffer): { rejected: number; message: string } {
  const msg = RefExportTraceServiceResponse.toObject(RefExportTraceServiceResponse.decode(buf), { longs: Number, defaults: false });
  const p = msg.partialSuccess as { rejectedSpans?: number; errorMessage?: string } | undefined;
  return { rejected: p?.rejectedSpans ?? 0, message: p?.errorMessage ?? '' };
}

function httpAttempt(status: number, contentType: string | undefined, body: Buffer): Attempt {
  const json = (contentType ?? '').startsWith('application/json');
  if (status === 200) {
    if (json) {
      const doc = JSON.parse(body.toString('utf8') || '{}') as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
      return { status, rejected: Number(doc.partialSuccess?.rejectedSpans ?? 0), reason: doc.partialSuccess?.errorMessage ?? '' };
    }
    const p = readPartialSuccess(body);
    return { status, rejected: p.rejected, reason: p.message };
  }
  if (body.length === 0) {
    return { status, rejected: 0, reason: '' };
  }
  if (json) {
    const doc = JSON.parse(body.toString('utf8')) as { message?: string };
    return { status, rejected: 0, reason: doc.message ?? '' };
  }
  return { status, rejected: 0, reason: readStatus(body).message };
}

export async function postHttp(port: number, headers: Record<string, string>, body: Buffer, extra: { method?: string; path?: string } = {}): Promise<Attempt> {
  const r = await request(port, { headers, body, method: extra.method, path: extra.path });
  return httpAttempt(r.status, r.headers['content-type'], r.body);
}

export async function exportGrpc(port: number, message: Buffer): Promise<Attempt> {
  const r = await grpcCall(port, { message });
  return grpcAttempt(r);
}

function grpcAttempt(r: Awaited<ReturnType<typeof grpcCall>>): Attempt {
  if (r.code === undefined) {
    return { status: r.httpStatus === undefined ? 'closed' : -r.httpStatus, rejected: 0, reason: r.message };
  }
  if (r.code === 0) {
    const p = readPartialSuccess(r.response ?? Buffer.alloc(0));
    return { status: 0, rejected: p.rejected, reason: p.message };
  }
  return { status: r.code, rejected: 0, reason: r.message };
}

// ── payload cases (protobuf over HTTP and gRPC; JSON over HTTP) ──────────────────────────────────

interface PayloadCase {
  name: string;
  bytes: () => Buffer;
  /** ok = accepted whole; partial = 200/OK with `rejected` spans; invalid = 400/INVALID_ARGUMENT. */
  outcome: 'ok' | 'partial' | 'invalid';
  rejected?: number;
  reason?: RegExp;
  stores?: { name: string; count: number };
}

function sdkLike(): Buffer {
  return pbRequest([pbSpan({ attrs: [kv('http.route', anyString('/x'))] }), pbSpan(), pbSpan()]);
}

const T0 = (): bigint => nowNs() - 60_000_000_000n;

const PAYLOADS: PayloadCase[] = [
  { name: 'empty request (no resource spans)', bytes: () => Buffer.alloc(0), outcome: 'ok' },
  { name: 'valid request cut in half', bytes: () => sdkLike().subarray(0, Math.floor(sdkLike().length / 2)), outcome: 'invalid', reason: /offset|truncat|past the end|length/i },
  { name: 'valid request missing its last byte', bytes: () => sdkLike().subarray(0, sdkLike().length - 1), outcome: 'invalid' },
  { name: '4 KiB of 0xff', bytes: () => Buffer.alloc(4096, 0xff), outcome: 'invalid' },
  { name: '64 KiB of seeded random bytes', bytes: () => seededBytes(64 * 1024, 7), outcome: 'invalid' },
  { name: 'length prefix of 1 GiB on a 10-byte message', bytes: () => Buffer.concat([w.tag(1, 2), w.varint(2 ** 30), Buffer.alloc(10, 1)]), outcome: 'invalid' },
  { name: 'varint of 11 bytes (overflows 64 bits)', bytes: () => pbRequest([Buffer.concat([pbSpan(), w.tag(6, 0), Buffer.alloc(10, 0xff), Buffer.from([0x01])])]), outcome: 'invalid' },
  { name: 'invalid wire type 7', bytes: () => Buffer.concat([w.tag(1, 7), Buffer.alloc(8, 0)]), outcome: 'invalid' },
  { name: 'deprecated group wire types 3/4', bytes: () => pbRequest([Buffer.concat([pbSpan(), w.tag(20, 3), w.tag(20, 4)])]), outcome: 'invalid' },
  { name: 'OTLP/JSON bytes sent as protobuf', bytes: () => jsonBody(jsonRequest([jsonSpan()])), outcome: 'invalid' },
  { name: 'span without trace id', bytes: () => pbRequest([pbSpan({ traceId: null })]), outcome: 'partial', rejected: 1, reason: /trace/i },
  { name: 'trace id of 8 bytes', bytes: () => pbRequest([pbSpan({ traceId: newId(8) })]), outcome: 'partial', rejected: 1, reason: /trace/i },
  { name: 'all-zero trace id', bytes: () => pbRequest([pbSpan({ traceId: Buffer.alloc(16) })]), outcome: 'partial', rejected: 1 },
  { name: 'span without span id', bytes: () => pbRequest([pbSpan({ spanId: null })]), outcome: 'partial', rejected: 1, reason: /span/i },
  { name: 'span id of 16 bytes', bytes: () => pbRequest([pbSpan({ spanId: newId(16) })]), outcome: 'partial', rejected: 1 },
  { name: 'parent span id of 3 bytes', bytes: () => pbRequest([pbSpan({ parentSpanId: Buffer.from([1, 2, 3]) })]), outcome: 'partial', rejected: 1, reason: /parent/i },
  { name: 'end before start', bytes: () => pbRequest([pbSpan({ startNs: T0(), endNs: T0() - 1_000_000n })]), outcome: 'partial', rejected: 1, reason: /end before start/ },
  { name: 'start time 0', bytes: () => pbRequest([pbSpan({ startNs: 0n, endNs: 1000n })]), outcome: 'partial', rejected: 1 },
  { name: 'start time -1 (2^64-1 as fixed64)', bytes: () => pbRequest([pbSpan({ startNs: -1n, endNs: -1n })]), outcome: 'partial', rejected: 1 },
  { name: 'start time in the year 2500', bytes: () => pbRequest([pbSpan({ startNs: 16_725_225_600n * 1_000_000_000n, endNs: 16_725_225_601n * 1_000_000_000n })]), outcome: 'partial', rejected: 1, reason: /future/ },
  {
    name: '3 good spans and 2 with bad ids in one request',
    bytes: () => pbRequest([pbSpan({ name: 'mixed-good' }), pbSpan({ traceId: null }), pbSpan({ name: 'mixed-good' }), pbSpan({ spanId: Buffer.alloc(8) }), pbSpan({ name: 'mixed-good' })]),
    outcome: 'partial',
    rejected: 2,
    stores: { name: 'mixed-good', count: 3 },
  },
  { name: '20,000 spans all with bad ids', bytes: () => pbRequest(Array.from({ length: 20_000 }, () => pbSpan({ traceId: Buffer.alloc(3, 1) }))), outcome: 'partial', rejected: 20_000 },
  { name: '10,000 attributes on one span', bytes: () => pbRequest([pbSpan({ name: 'many-attrs', attrs: manyAttrs(10_000) })]), outcome: 'ok', stores: { name: 'many-attrs', count: 1 } },
  { name: '8 MiB string attribute', bytes: () => pbRequest([pbSpan({ name: 'huge-attr', attrs: [kv('huge', anyString('x'.repeat(8 * MiB)))] })]), outcome: 'ok', stores: { name: 'huge-attr', count: 1 } },
  { name: '1 MiB span name', bytes: () => pbRequest([pbSpan({ name: 'n'.repeat(MiB) })]), outcome: 'ok' },
  { name: '1 MiB service name and attribute key', bytes: () => w.request([w.keyValue(1, 'service.name', w.stringValue('s'.repeat(MiB)))], w.len(1, 'x'), [pbSpan({ attrs: [kv('k'.repeat(MiB), anyString('v'))] })]), outcome: 'ok' },
  { name: 'array attribute nested 100 deep (limit 64)', bytes: () => pbRequest([pbSpan({ attrs: [kv('deep', nestedArrayValue(100))] })]), outcome: 'invalid', reason: /nested|deep/i },
  { name: 'kvlist attribute nested 100 deep (limit 64)', bytes: () => pbRequest([pbSpan({ attrs: [kv('deep', nestedKvlistValue(100))] })]), outcome: 'invalid', reason: /nested|deep/i },
  { name: 'array attribute nested 100,000 deep', bytes: () => pbRequest([pbSpan({ attrs: [kv('deep', nestedArrayValue(100_000))] })]), outcome: 'invalid' },
  { name: 'array nested 60 deep (inside the limit)', bytes: () => pbRequest([pbSpan({ name: 'nested-60', attrs: [kv('deep', nestedArrayValue(60))] })]), outcome: 'ok', stores: { name: 'nested-60', count: 1 } },
  {
    name: 'NaN, +Infinity, -Infinity and -0 doubles',
    bytes: () => pbRequest([pbSpan({ name: 'nan-attrs', attrs: [kv('a', anyDouble(NaN)), kv('b', anyDouble(Infinity)), kv('c', anyDouble(-Infinity)), kv('d', anyDouble(-0))] })]),
    outcome: 'ok',
    stores: { name: 'nan-attrs', count: 1 },
  },
  { name: 'int64 minimum and maximum', bytes: () => pbRequest([pbSpan({ name: 'int-limits', attrs: [kv('min', anyInt(-(2n ** 63n))), kv('max', anyInt(2n ** 63n - 1n))] })]), outcome: 'ok', stores: { name: 'int-limits', count: 1 } },
  { name: 'invalid UTF-8 in span name and values', bytes: () => pbRequest([pbSpan({ name: Buffer.from([0x62, 0xff, 0xfe, 0xc3]), attrs: [kv('bad', anyString(Buffer.from([0xed, 0xa0, 0x80])))] })]), outcome: 'ok' },
  { name: 'unknown fields of every wire type at every level', bytes: () => Buffer.concat([pbRequest([pbSpan({ name: 'unknown-fields', extra: [w.unknownFields()] })]), w.unknownFields()]), outcome: 'ok', stores: { name: 'unknown-fields', count: 1 } },
  { name: 'span kind 99 and status code 99', bytes: () => pbRequest([pbSpan({ name: 'odd-enums', kind: 99, status: 99 })]), outcome: 'ok', stores: { name: 'odd-enums', count: 1 } },
  { name: 'empty attribute key and empty span name', bytes: () => pbRequest([pbSpan({ name: '', attrs: [kv('', anyString('v'))] })]), outcome: 'ok' },
];

// ── OTLP/JSON cases (HTTP) ─────────────────────────────────────────────────────────────────────


const deepJsonArray = (depth: number): Buffer => {
  let v = '{"stringValue":"leaf"}';
  // Build the nesting as text: {"arrayValue":{"values":[ … ]}} per level.
  v = '{"arrayValue":{"values":['.repeat(depth) + v + ']}}'.repeat(depth);
  return jsonWithRawAttr(v);
};

const JSONS: PayloadCase[] = [
  { name: 'not JSON at all', bytes: () => Buffer.from('this is not json'), outcome: 'invalid', reason: /invalid JSON/ },
  { name: 'truncated JSON', bytes: () => jsonBody(jsonRequest([jsonSpan()])).subarray(0, 40), outcome: 'invalid', reason: /line 1 column/ },
  { name: 'an array at the root', bytes: () => Buffer.from('[]'), outcome: 'invalid' },
  { name: 'null at the root', bytes: () => Buffer.from('null'), outcome: 'invalid' },
  { name: 'a string at the root', bytes: () => Buffer.from('"resourceSpans"'), outcome: 'invalid' },
  { name: 'resourceSpans is an object', bytes: () => Buffer.from('{"resourceSpans":{}}'), outcome: 'invalid', reason: /resourceSpans/ },
  { name: 'spans is a string', bytes: () => jsonBody({ resourceSpans: [{ scopeSpans: [{ spans: 'x' }] }] }), outcome: 'invalid', reason: /spans/ },
  { name: 'traceId is a number', bytes: () => jsonBody(jsonRequest([jsonSpan({ traceId: 12345 })])), outcome: 'invalid', reason: /traceId/ },
  { name: 'traceId not hex', bytes: () => jsonBody(jsonRequest([jsonSpan({ traceId: 'z'.repeat(32) })])), outcome: 'partial', rejected: 1 },
  { name: 'traceId in base64 (the generic protobuf JSON mapping)', bytes: () => jsonBody(jsonRequest([jsonSpan({ traceId: newId(16).toString('base64') })])), outcome: 'partial', rejected: 1 },
  { name: 'spanId missing', bytes: () => jsonBody(jsonRequest([jsonSpan({ spanId: undefined })])), outcome: 'partial', rejected: 1 },
  { name: 'startTimeUnixNano "NaN"', bytes: () => jsonBody(jsonRequest([jsonSpan({ startTimeUnixNano: 'NaN' })])), outcome: 'invalid', reason: /startTimeUnixNano/ },
  { name: 'startTimeUnixNano 1e400 (parses to Infinity)', bytes: () => jsonWithRawField('startTimeUnixNano', '1e400'), outcome: 'invalid', reason: /startTimeUnixNano/ },
  { name: 'startTimeUnixNano "-1"', bytes: () => jsonBody(jsonRequest([jsonSpan({ startTimeUnixNano: '-1' })])), outcome: 'invalid', reason: /startTimeUnixNano/ },
  { name: 'startTimeUnixNano -5 (a number)', bytes: () => jsonWithRawField('startTimeUnixNano', '-5'), outcome: 'invalid', reason: /startTimeUnixNano/ },
  { name: 'startTimeUnixNano past uint64 ("99999999999999999999")', bytes: () => jsonBody(jsonRequest([jsonSpan({ startTimeUnixNano: '99999999999999999999', endTimeUnixNano: '99999999999999999999' })])), outcome: 'partial', rejected: 1 },
  { name: 'end before start', bytes: () => jsonBody(jsonRequest([jsonSpan({ startTimeUnixNano: String(T0()), endTimeUnixNano: String(T0() - 5n) })])), outcome: 'partial', rejected: 1, reason: /end before start/ },
  { name: 'intValue past int64 ("9223372036854775808")', bytes: () => jsonWithRawAttr('{"intValue":"9223372036854775808"}'), outcome: 'ok' },
  { name: 'intValue "12abc"', bytes: () => jsonWithRawAttr('{"intValue":"12abc"}'), outcome: 'invalid', reason: /intValue/ },
  { name: 'intValue 1.5 (not an integer)', bytes: () => jsonWithRawAttr('{"intValue":1.5}'), outcome: 'invalid', reason: /intValue/ },
  {
    name: 'doubleValue "NaN", "Infinity", "-Infinity" and 1e999',
    bytes: () => {
      const t = JSON.stringify(jsonRequest([jsonSpan({ name: 'json-nan', attributes: ['NaN', 'Infinity', '-Infinity'].map((d, i) => ({ key: `d${i}`, value: { doubleValue: d } })) })]));
      return Buffer.from(t.replace('"attributes":[', '"attributes":[{"key":"big","value":{"doubleValue":1e999}},'));
    },
    outcome: 'ok',
    stores: { name: 'json-nan', count: 1 },
  },
  { name: 'doubleValue "banana"', bytes: () => jsonWithRawAttr('{"doubleValue":"banana"}'), outcome: 'invalid', reason: /doubleValue/ },
  { name: 'arrays nested 100,000 deep', bytes: () => deepJsonArray(100_000), outcome: 'invalid' },
  { name: 'arrays nested 100 deep (limit 64)', bytes: () => deepJsonArray(100), outcome: 'invalid', reason: /nested|deep/i },
  { name: '10,000 attributes on one span', bytes: () => jsonBody(jsonRequest([jsonSpan({ name: 'json-many-attrs', attributes: Array.from({ length: 10_000 }, (_, i) => ({ key: `a${i}`, value: { intValue: i } })) })])), outcome: 'ok', stores: { name: 'json-many-attrs', count: 1 } },
  { name: 'kind "SPAN_KIND_BANANA"', bytes: () => jsonBody(jsonRequest([jsonSpan({ kind: 'SPAN_KIND_BANANA' })])), outcome: 'invalid', reason: /kind/ },
  { name: 'duplicate keys (last one wins)', bytes: () => Buffer.from(JSON.stringify(jsonRequest([jsonSpan({ name: 'json-dup' })])).replace('"name":"json-dup"', '"name":"first","name":"json-dup"')), outcome: 'ok', stores: { name: 'json-dup', count: 1 } },
  { name: 'UTF-8 byte order mark before the JSON', bytes: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), jsonBody(jsonRequest([jsonSpan({ name: 'json-bom' })]))]), outcome: 'ok', stores: { name: 'json-bom', count: 1 } },
  { name: '8 MiB string value', bytes: () => jsonBody(jsonRequest([jsonSpan({ attributes: [{ key: 'big', value: { stringValue: 'y'.repeat(8 * MiB) } }] })])), outcome: 'ok' },
  { name: 'empty object', bytes: () => Buffer.from('{}'), outcome: 'ok' },
  { name: 'attribute value of the wrong type (stringValue: 5)', bytes: () => jsonWithRawAttr('{"stringValue":5}'), outcome: 'invalid', reason: /stringValue/ },
  { name: 'lone surrogate escapes in strings', bytes: () => jsonWithRawAttr('{"stringValue":"\\ud800\\udfff\\udc00"}'), outcome: 'ok' },
];

// ── the cases ───────────────────────────────────────────────────────────────────────────────────

function payloadExpectation(c: PayloadCase, grpc: boolean): Expectation {
  const ok = grpc ? 0 : 200;
  switch (c.outcome) {
    case 'ok':
      return { status: [ok], rejected: 0 };
    case 'partial':
      return { status: [ok], rejected: c.rejected, reason: c.reason };
    case 'invalid':
      return { status: [grpc ? 3 : 400], reason: c.reason ?? /./ };
  }
}

function maxChecks(what: string, limit: number, pick: (a: Attempt) => number | undefined): (a: Attempt) => string | undefined {
  return (a) => {
    const v = pick(a);
    return v !== undefined && v > limit ? `${what} ${v} > ${limit}` : undefined;
  };
}

export function buildCorpus(opts: { trickleLimitMs: number }): BadInput[] {
  const cases: BadInput[] = [];
  for (const c of PAYLOADS) {
    cases.push({ name: `protobuf: ${c.name}`, transport: 'OTLP/HTTP', expect: payloadExpectation(c, false), stores: c.stores, run: (p) => postHttp(p.http, PB, c.bytes()) });
    cases.push({ name: `protobuf: ${c.name}`, transport: 'OTLP/gRPC', expect: payloadExpectation(c, true), stores: c.stores, run: (p) => exportGrpc(p.grpc, c.bytes()) });
  }
  for (const c of JSONS) {
    cases.push({ name: `JSON: ${c.name}`, transport: 'OTLP/HTTP', expect: payloadExpectation(c, false), stores: c.stores, run: (p) => postHttp(p.http, JSON_CT, c.bytes()) });
  }
  const http = (name: string, expect: Expectation, run: (p: Ports) => Promise<Attempt>): void => void cases.push({ name, transport: 'OTLP/HTTP', expect, run });
  const grpc = (name: string, expect: Expectation, run: (p: Ports) => Promise<Attempt>): void => void cases.push({ name, transport: 'OTLP/gRPC', expect, run });
  const good = (): Buffer => pbRequest([pbSpan()]);

  http('no content type', { status: [415], reason: /content type/ }, (p) => postHttp(p.http, {}, good()));
  http('content type text/plain', { status: [415], reason: /content type/ }, (p) => postHttp(p.http, { 'content-type': 'text/plain' }, good()));
  http('content type application/grpc on the HTTP port', { status: [415] }, (p) => postHttp(p.http, { 'content-type': 'application/grpc' }, good()));
  http('content type multipart/form-data', { status: [415] }, (p) => postHttp(p.http, { 'content-type': 'multipart/form-data; boundary=x' }, good()));
  http('content encoding br', { status: [415], reason: /encoding/ }, (p) => postHttp(p.http, { ...PB, 'content-encoding': 'br' }, good()));
  http('gzip declared, body not gzip', { status: [400], reason: /gzip/ }, (p) => postHttp(p.http, { ...PB, 'content-encoding': 'gzip' }, good()));
  http('gzip body cut short', { status: [400], reason: /gzip/ }, (p) => postHttp(p.http, { ...PB, 'content-encoding': 'gzip' }, gzipSync(good()).subarray(0, 20)));
  http('gzip bomb (~71 KB inflating to 70 MiB)', { status: [413], check: maxChecks('body bytes', 100 * 1024, (a) => a.bytesSent) }, async (p) => {
    const bomb = gzipBomb(70 * MiB);
    return { ...(await postHttp(p.http, { ...PB, 'content-encoding': 'gzip' }, bomb)), bytesSent: bomb.length };
  });
  http('deflate bomb (inflating to 70 MiB)', { status: [413] }, (p) => postHttp(p.http, { ...PB, 'content-encoding': 'deflate' }, deflateSync(Buffer.alloc(70 * MiB), { level: 9 })));
  http(
    '100 MB body with Content-Length (answered before it is sent)',
    { status: [413], check: maxChecks('bytes sent before the answer', MAX_BODY, (a) => a.bytesSent) },
    // Only the first MiB is written: the answer must come from the declared length alone.
    (p) => streamAttempt(p.http, { ...PB, 'content-length': String(100_000_000) }, MiB, true),
  );
  http(
    '100 MB chunked body (cut at the 64 MiB limit)',
    { status: [413], check: maxChecks('bytes sent before the answer', 90_000_000, (a) => a.bytesSent) },
    (p) => streamAttempt(p.http, { ...PB }, 100_000_000),
  );
  http('POST /v1/metrics', { status: [404] }, (p) => postHttp(p.http, PB, good(), { path: '/v1/metrics' }));
  http('GET /v1/traces', { status: [405] }, (p) => postHttp(p.http, PB, Buffer.alloc(0), { method: 'GET' }));
  http('PUT /v1/traces', { status: [405] }, (p) => postHttp(p.http, PB, good(), { method: 'PUT' }));
  http(
    'body trickled one byte every 200 ms',
    { status: [408, 'closed'], check: maxChecks('ms until the answer', opts.trickleLimitMs, (a) => a.elapsedMs) },
    async (p) => {
      const r = await streamBody(p.http, { headers: { ...PB, 'content-length': '1000' }, totalBytes: 1000, chunk: Buffer.from([0x0a]), delayMs: 200, limitMs: opts.trickleLimitMs + 5_000 });
      return { status: r.status ?? 'closed', reason: r.body, rejected: 0, elapsedMs: r.elapsedMs, bytesSent: r.bytesSent };
    },
  );
  http(
    'headers trickled and never finished',
    { status: [408, 'closed'], check: maxChecks('ms until closed', opts.trickleLimitMs, (a) => a.elapsedMs) },
    async (p) => {
      const r = await rawSocket(p.http, 'POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Slow: ', { limitMs: opts.trickleLimitMs + 5_000, keepOpen: true });
      return { status: r.closedByServer ? (statusOf(r.reply) ?? 'closed') : 0, reason: r.reply, rejected: 0, elapsedMs: r.elapsedMs };
    },
  );
  http('body shorter than its Content-Length, then the client hangs up', { status: [400, 'closed'] }, async (p) => {
    const r = await rawSocket(p.http, `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 5000\r\n\r\n${'a'.repeat(100)}`, { limitMs: 3_000 });
    return { status: statusOf(r.reply) ?? 'closed', reason: r.reply, rejected: 0 };
  });
  http('garbage request line', { status: [400] }, async (p) => {
    const r = await rawSocket(p.http, '\x00\x01GARBAGE\r\n\r\n', { limitMs: 5_000 });
    return { status: statusOf(r.reply) ?? 'closed', reason: r.reply, rejected: 0 };
  });
  http('32 KiB header', { status: [431] }, async (p) => {
    const r = await rawSocket(p.http, `POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(32 * 1024)}\r\n\r\n`, { limitMs: 5_000 });
    return { status: statusOf(r.reply) ?? 'closed', reason: r.reply, rejected: 0 };
  });
  http('invalid chunk size in a chunked body', { status: [400] }, async (p) => {
    const r = await rawSocket(p.http, 'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', { limitMs: 5_000 });
    return { status: statusOf(r.reply) ?? 'closed', reason: r.reply, rejected: 0 };
  });

  grpc('unknown method', { status: [12] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { message: good(), path: '/opentelemetry.proto.collector.trace.v1.TraceService/Nope' })));
  grpc('compressed flag without grpc-encoding (bytes taken as they are)', { status: [3] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { message: gzipSync(good()), compressed: true })));
  grpc('grpc-encoding br (unsupported)', { status: [12] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { message: good(), compressed: true, encoding: 'br' })));
  grpc('gzip flag on bytes that are not gzip', { status: [13] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { message: good(), compressed: true, encoding: 'gzip' })));
  grpc('frame declares 100 bytes, carries 10', { status: [12] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { frame: grpcFrame(Buffer.alloc(10, 1), false, 100) })));
  grpc('frame header cut after 3 bytes', { status: [12] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { frame: Buffer.from([0, 0, 0]) })));
  grpc('no message at all', { status: [12] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { frame: Buffer.alloc(0) })));
  grpc('two messages in a unary call', { status: [12] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { frame: Buffer.concat([grpcFrame(good()), grpcFrame(good())]) })));
  grpc('gzip bomb (~71 KB inflating to 70 MiB)', { status: [8] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { message: gzipBomb(70 * MiB), compressed: true, encoding: 'gzip', limitMs: 30_000 })));
  grpc('frame declaring 100 MB', { status: [8] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { frame: grpcFrame(Buffer.alloc(1024), false, 100_000_000) })));
  grpc('content type text/plain (answered as HTTP 415, shown as -415)', { status: [-415] }, async (p) => grpcAttempt(await grpcCall(p.grpc, { message: good(), contentType: 'text/plain' })));
  return cases;
}

function statusOf(reply: string): number | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(reply);
  return m ? Number(m[1]) : undefined;
}

async function streamAttempt(port: number, headers: Record<string, string>, total: number, keepOpen = false): Promise<Attempt> {
  const r = await streamBody(port, { headers, totalBytes: total, chunk: Buffer.alloc(MiB, 0x0a), limitMs: 60_000, keepOpen });
  // The status body is protobuf here; its message text is readable as it is.
  return { status: r.status ?? 'closed', reason: r.body, rejected: 0, bytesSent: r.bytesSent, elapsedMs: r.elapsedMs };
}

