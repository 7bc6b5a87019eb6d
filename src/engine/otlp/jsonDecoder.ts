/**
 * Decoder for OTLP/JSON `ExportTraceServiceRequest` bodies (the protobuf JSON mapping with the
 * OTLP exceptions): ids are hex (upper case accepted, stored lower), enums are integers (names
 * accepted too), field names lowerCamelCase, 64-bit integers a JSON number or a decimal string,
 * `bytesValue` base64; unknown fields are ignored. A value of the wrong shape throws `DecodeError`
 * naming its path, e.g. `resourceSpans[0].scopeSpans[1].spans[3].traceId`.
 *
 * Request bodies go through the fast path first (jsonFastDecoder.ts: one pass over the bytes, no
 * parse tree); what it declines — malformed or unusual input — is decoded here, on `JSON.parse`'s
 * result, which also words every error.
 */
import type { AttrValue, Attributes } from '../../shared/api';
import { DecodeError } from '../model';
import type { Resource, Scope, Span, SpanBatch, SpanEvent, SpanLink } from '../model';
import {
  MAX_VALUE_DEPTH,
  RejectTally,
  acceptSpan,
  finishResource,
  isValidHexId,
  newResource,
  newScope,
  newSpan,
  setAttribute,
  toSpanKind,
  toStatusCode,
} from './spanBuilder';
import { traceRequestJsonFastSteps } from './jsonFastDecoder';
import { UNSUPPORTED } from './jsonReader';
import { findJsonSyntaxError } from './jsonSyntax';
import {
  SPAN_KIND_NAMES,
  STATUS_CODE_NAMES,
  ShapeError,
  asObject,
  asObjectAt,
  at,
  bytesValue,
  double,
  int64,
  optArray,
  optEnum,
  optNanosAsMicros,
  optObject,
  optString,
  shape,
} from './jsonValues';
import type { Json } from './jsonValues';
import { atYieldPoint, runSliced, runSync } from './slices';

/** Parses and decodes one OTLP/JSON request body. */
export function decodeTraceRequestJson(body: string | Uint8Array): SpanBatch {
  return runSync(traceRequestBodySteps(body));
}

/** Same as `decodeTraceRequestJson`, giving the event loop a turn every few milliseconds. */
export function decodeTraceRequestJsonSliced(body: string | Uint8Array): Promise<SpanBatch> {
  return runSliced(traceRequestBodySteps(body));
}

/** A request body as steps: the fast path over its bytes; the general path when the fast one declines. */
export function* traceRequestBodySteps(body: string | Uint8Array): Generator<void, SpanBatch> {
  const bytes = bodyBytes(body);
  if (bytes !== undefined) {
    try {
      return yield* traceRequestJsonFastSteps(bytes);
    } catch (e) {
      if (e !== UNSUPPORTED) {
        throw e;
      }
    }
  }
  return yield* traceRequestJsonSteps(parseJson(body));
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * The body as UTF-8 bytes for the fast path. A string with surrogates stays with the general path:
 * encoding would turn a lone one into U+FFFD, which `JSON.parse` of the string keeps.
 */
function bodyBytes(body: string | Uint8Array): Buffer | undefined {
  if (typeof body !== 'string') {
    return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }
  return SURROGATE.test(body) ? undefined : Buffer.from(body, 'utf8');
}

/**
 * `JSON.parse` with its failure turned into a `DecodeError` naming the line, column and byte
 * offset (plus `offsetBase`, for one line of a larger file).
 */
export function parseJson(body: string | Uint8Array, offsetBase = 0): unknown {
  const decoded = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  // A UTF-8 byte order mark (Windows tools write one) is not part of the JSON text: RFC 8259 §8.1 lets a parser skip it.
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  try {
    return JSON.parse(text);
  } catch (e) {
    const found = findJsonSyntaxError(text);
    if (found === undefined) {
      // Valid syntax that JSON.parse still refused (e.g. nesting too deep for it).
      throw new DecodeError(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const byteOffset = offsetBase + (text === decoded ? 0 : 3) + Buffer.byteLength(text.slice(0, found.offset));
    throw new DecodeError(`invalid JSON at line ${found.line} column ${found.column}: ${found.reason}`, byteOffset);
  }
}

/** Decodes an already parsed OTLP/JSON request (one line of an NDJSON file, for example). */
export function traceRequestFromJson(value: unknown, tally = new RejectTally(), spans: Span[] = []): SpanBatch {
  return runSync(traceRequestJsonSteps(value, tally, spans));
}

/** Decoding of a parsed request as steps that yield every few hundred spans (see slices.ts). */
export function* traceRequestJsonSteps(value: unknown, tally = new RejectTally(), spans: Span[] = []): Generator<void, SpanBatch> {
  try {
    const request = asObject(value);
    const resourceSpans = optArray(request, 'resourceSpans');
    for (let i = 0; i < resourceSpans.length; i++) {
      try {
        yield* decodeResourceSpans(resourceSpans[i], spans, tally);
      } catch (e) {
        throw at(e, `resourceSpans[${i}]`);
      }
    }
  } catch (e) {
    if (e instanceof ShapeError) {
      throw new DecodeError(`invalid OTLP/JSON: ${e.reason} at ${e.path.join('.').replace(/\.\[/g, '[') || '(root)'}`);
    }
    throw e;
  }
  return tally.batch(spans);
}

function* decodeResourceSpans(value: unknown, spans: Span[], tally: RejectTally): Generator<void, void> {
  const rs = asObject(value);
  const resource = newResource();
  const res = optObject(rs, 'resource');
  if (res !== undefined) {
    try {
      decodeAttributes(res, resource.attributes, 0);
    } catch (e) {
      throw at(e, 'resource');
    }
  }
  finishResource(resource);
  const scopeSpans = optArray(rs, 'scopeSpans');
  for (let j = 0; j < scopeSpans.length; j++) {
    try {
      yield* decodeScopeSpans(scopeSpans[j], resource, spans, tally);
    } catch (e) {
      throw at(e, `scopeSpans[${j}]`);
    }
  }
}

function* decodeScopeSpans(value: unknown, resource: Resource, spans: Span[], tally: RejectTally): Generator<void, void> {
  const ss = asObject(value);
  const s = optObject(ss, 'scope');
  let scope: Scope;
  try {
    scope = s === undefined ? newScope() : newScope(optString(s, 'name'), optString(s, 'version'));
  } catch (e) {
    throw at(e, 'scope');
  }
  const list = optArray(ss, 'spans');
  for (let k = 0; k < list.length; k++) {
    let span: Span | undefined;
    try {
      span = decodeSpan(list[k], resource, scope, tally);
    } catch (e) {
      throw at(e, `spans[${k}]`);
    }
    if (span !== undefined) {
      spans.push(span);
    }
    if (atYieldPoint(spans.length, tally.count)) {
      yield;
    }
  }
}

function decodeSpan(value: unknown, resource: Resource, scope: Scope, tally: RejectTally): Span | undefined {
  const o = asObject(value);
  const span = newSpan(resource, scope);
  const traceId = optString(o, 'traceId').toLowerCase();
  const spanId = optString(o, 'spanId').toLowerCase();
  const parent = optString(o, 'parentSpanId').toLowerCase();
  span.name = optString(o, 'name');
  span.kind = toSpanKind(optEnum(o, 'kind', SPAN_KIND_NAMES));
  span.startUs = optNanosAsMicros(o, 'startTimeUnixNano');
  span.endUs = optNanosAsMicros(o, 'endTimeUnixNano');
  decodeAttributes(o, span.attributes, 0);
  const events = optArray(o, 'events');
  for (let i = 0; i < events.length; i++) {
    try {
      span.events.push(decodeEvent(events[i]));
    } catch (e) {
      throw at(e, `events[${i}]`);
    }
  }
  const links = optArray(o, 'links');
  for (let i = 0; i < links.length; i++) {
    let link: SpanLink | undefined;
    try {
      link = decodeLink(links[i]);
    } catch (e) {
      throw at(e, `links[${i}]`);
    }
    if (link !== undefined) {
      span.links.push(link);
    }
  }
  const status = optObject(o, 'status');
  if (status !== undefined) {
    try {
      span.statusCode = toStatusCode(optEnum(status, 'code', STATUS_CODE_NAMES));
      const message = optString(status, 'message');
      span.statusMessage = message === '' ? undefined : message;
    } catch (e) {
      throw at(e, 'status');
    }
  }
  const parentId = parent === '' || ZERO_SPAN_ID.test(parent) ? '' : validHexId(parent, 16);
  return acceptSpan(span, validHexId(traceId, 32), validHexId(spanId, 16), parentId, tally);
}

const ZERO_SPAN_ID = /^0{16}$/;

function validHexId(id: string, hexLength: number): string | undefined {
  return isValidHexId(id, hexLength) ? id : undefined;
}

function decodeEvent(value: unknown): SpanEvent {
  const o = asObject(value);
  const event: SpanEvent = { name: '', timeUs: 0, attributes: {} };
  event.timeUs = optNanosAsMicros(o, 'timeUnixNano');
  event.name = optString(o, 'name');
  decodeAttributes(o, event.attributes, 0);
  return event;
}

function decodeLink(value: unknown): SpanLink | undefined {
  const o = asObject(value);
  const link: SpanLink = { traceId: '', spanId: '', attributes: {} };
  const traceId = optString(o, 'traceId').toLowerCase();
  const spanId = optString(o, 'spanId').toLowerCase();
  decodeAttributes(o, link.attributes, 0);
  if (!isValidHexId(traceId, 32) || !isValidHexId(spanId, 16)) {
    return undefined;
  }
  link.traceId = traceId;
  link.spanId = spanId;
  return link;
}

/** Reads `owner.attributes` (a KeyValue list) into `target`. */
function decodeAttributes(owner: Json, target: Attributes, depth: number): void {
  const list = optArray(owner, 'attributes');
  if (list.length > 0) {
    try {
      decodeKeyValues(list, target, depth);
    } catch (e) {
      throw at(e, 'attributes');
    }
  }
}

function decodeKeyValues(list: unknown[], target: Attributes, depth: number): void {
  for (let i = 0; i < list.length; i++) {
    try {
      const o = asObject(list[i]);
      const key = optString(o, 'key');
      const v = o.value;
      try {
        setAttribute(target, key, v === undefined || v === null ? null : decodeAnyValue(v, depth));
      } catch (e) {
        throw at(e, 'value');
      }
    } catch (e) {
      throw at(e, `[${i}]`);
    }
  }
}

function decodeAnyValue(value: unknown, depth: number): AttrValue {
  const o = asObject(value);
  if (o.stringValue !== undefined && o.stringValue !== null) {
    return optString(o, 'stringValue');
  }
  if (o.intValue !== undefined && o.intValue !== null) {
    return int64(o.intValue, 'intValue');
  }
  if (o.boolValue !== undefined && o.boolValue !== null) {
    if (typeof o.boolValue !== 'boolean') {
      throw shape('boolValue', 'expected a boolean');
    }
    return o.boolValue;
  }
  if (o.doubleValue !== undefined && o.doubleValue !== null) {
    return double(o.doubleValue);
  }
  if (o.arrayValue !== undefined && o.arrayValue !== null) {
    checkDepth(depth);
    const values = optArray(asObjectAt(o.arrayValue, 'arrayValue'), 'values');
    const out: AttrValue[] = new Array<AttrValue>(values.length);
    for (let i = 0; i < values.length; i++) {
      try {
        const v = values[i];
        out[i] = v === null ? null : decodeAnyValue(v, depth + 1);
      } catch (e) {
        throw at(at(e, `values[${i}]`), 'arrayValue');
      }
    }
    return out;
  }
  if (o.kvlistValue !== undefined && o.kvlistValue !== null) {
    checkDepth(depth);
    const values = optArray(asObjectAt(o.kvlistValue, 'kvlistValue'), 'values');
    const target: Attributes = {};
    try {
      decodeKeyValues(values, target, depth + 1);
    } catch (e) {
      throw at(at(e, 'values'), 'kvlistValue');
    }
    return target;
  }
  if (o.bytesValue !== undefined && o.bytesValue !== null) {
    return bytesValue(optString(o, 'bytesValue'));
  }
  return null;
}

function checkDepth(depth: number): void {
  if (depth >= MAX_VALUE_DEPTH) {
    throw new ShapeError(`attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`);
  }
}

