/**
 * Decoder for `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest` (OTLP/HTTP
 * protobuf bodies and OTLP/gRPC messages) straight into the engine's span model.
 *
 * Written from the OTLP message layout (trace.proto, common.proto, resource.proto): each message
 * is a loop over tags, known (field number, wire type) pairs are read, anything else is skipped by
 * its wire type, so newer producers with extra fields still decode. Sub-messages may appear in any
 * order and more than once (protobuf merge semantics): resources and scopes are created up front
 * and filled in place, so spans can point at them before their fields are read.
 */
import type { Resource, Scope, Span, SpanBatch } from '../model';
import { LazySpan } from './lazySpan';
import { SPAN_ATTRIBUTES, SPAN_EVENTS, SPAN_LINKS, hex, isValidId, isZero, validateEvent, validateLink } from './protoDetails';
import { ProtoReader, endMessage, readTag } from './protoReader';
import { decodeKeyValue, scanKeyValue } from './protoValues';
import { atYieldPoint, runSliced, runSync } from './slices';
import { RejectTally, acceptSpan, finishResource, newResource, newScope, toSpanKind, toStatusCode } from './spanBuilder';

// Tags are (field number << 3) | wire type, named Message_field.
const REQUEST_RESOURCE_SPANS = 10;
const RESOURCE_SPANS_RESOURCE = 10;
const RESOURCE_SPANS_SCOPE_SPANS = 18;
const RESOURCE_ATTRIBUTES = 10;
const SCOPE_SPANS_SCOPE = 10;
const SCOPE_SPANS_SPANS = 18;
const SCOPE_NAME = 10;
const SCOPE_VERSION = 18;
const SPAN_TRACE_ID = 10;
const SPAN_SPAN_ID = 18;
const SPAN_PARENT_SPAN_ID = 34;
const SPAN_NAME = 42;
const SPAN_KIND = 48;
const SPAN_START = 57;
const SPAN_END = 65;
const SPAN_STATUS = 122;
const STATUS_MESSAGE = 18;
const STATUS_CODE = 24;

/**
 * Decodes one ExportTraceServiceRequest. Spans with invalid ids are dropped and counted in
 * `rejected`; malformed bytes throw `DecodeError` with the offset. The spans keep `bytes` and
 * decode their attributes, events and links on first read (lazySpan.ts): don't modify `bytes`.
 */
export function decodeTraceRequestProto(bytes: Uint8Array): SpanBatch {
  return runSync(traceRequestProtoSteps(bytes));
}

/** Same as `decodeTraceRequestProto`, giving the event loop a turn every few milliseconds. */
export function decodeTraceRequestProtoSliced(bytes: Uint8Array): Promise<SpanBatch> {
  return runSliced(traceRequestProtoSteps(bytes));
}

/** The decoder as steps that yield every few hundred spans (see slices.ts). */
export function* traceRequestProtoSteps(bytes: Uint8Array): Generator<void, SpanBatch> {
  const r = new ProtoReader(bytes);
  const spans: Span[] = [];
  const tally = new RejectTally();
  const end = r.end;
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === REQUEST_RESOURCE_SPANS) {
      const msgEnd = r.lenEnd(end);
      yield* decodeResourceSpans(r, msgEnd, spans, tally);
    } else {
      r.skip(tag & 7, end);
    }
  }
  return tally.batch(spans);
}

function* decodeResourceSpans(r: ProtoReader, end: number, spans: Span[], tally: RejectTally): Generator<void, void> {
  const resource = newResource();
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === RESOURCE_SPANS_SCOPE_SPANS) {
      yield* decodeScopeSpans(r, r.lenEnd(end), resource, spans, tally);
    } else if (tag === RESOURCE_SPANS_RESOURCE) {
      decodeResource(r, r.lenEnd(end), resource);
    } else {
      r.skip(tag & 7, end);
    }
  }
  finishResource(resource);
  endMessage(r, end);
}

function decodeResource(r: ProtoReader, end: number, resource: Resource): void {
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === RESOURCE_ATTRIBUTES) {
      decodeKeyValue(r, r.lenEnd(end), resource.attributes, 0);
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
}

function* decodeScopeSpans(
  r: ProtoReader,
  end: number,
  resource: Resource,
  spans: Span[],
  tally: RejectTally,
): Generator<void, void> {
  const scope = newScope();
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === SCOPE_SPANS_SPANS) {
      const span = decodeSpan(r, r.lenEnd(end), resource, scope, tally);
      if (span !== undefined) {
        spans.push(span);
      }
      if (atYieldPoint(spans.length, tally.count)) {
        yield;
      }
    } else if (tag === SCOPE_SPANS_SCOPE) {
      decodeScope(r, r.lenEnd(end), scope);
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
}

function decodeScope(r: ProtoReader, end: number, scope: Scope): void {
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === SCOPE_NAME) {
      scope.name = r.string(end);
    } else if (tag === SCOPE_VERSION) {
      const version = r.string(end);
      scope.version = version === '' ? undefined : version;
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
}

function decodeSpan(r: ProtoReader, end: number, resource: Resource, scope: Scope, tally: RejectTally): Span | undefined {
  const buf = r.buf;
  const span = new LazySpan(resource, scope, buf, r.pos, end);
  // Ids are validated (and hex-encoded) once the whole span is read: fields may come in any order.
  let traceStart = 0;
  let traceLen = 0;
  let spanStart = 0;
  let spanLen = 0;
  let parentStart = 0;
  let parentLen = 0;
  // Set together at the end (the span keeps start and duration): the fields come in any order.
  let startUs = 0;
  let endUs = 0;
  while (r.pos < end) {
    const tag = readTag(r);
    switch (tag) {
      case SPAN_TRACE_ID:
        traceLen = r.lenEnd(end) - r.pos;
        traceStart = r.pos;
        r.pos += traceLen;
        break;
      case SPAN_SPAN_ID:
        spanLen = r.lenEnd(end) - r.pos;
        spanStart = r.pos;
        r.pos += spanLen;
        break;
      case SPAN_PARENT_SPAN_ID:
        parentLen = r.lenEnd(end) - r.pos;
        parentStart = r.pos;
        r.pos += parentLen;
        break;
      case SPAN_NAME:
        span.name = r.string(end);
        break;
      case SPAN_KIND:
        span.kind = toSpanKind(r.uint32());
        break;
      case SPAN_START:
        startUs = r.fixed64Micros();
        break;
      case SPAN_END:
        endUs = r.fixed64Micros();
        break;
      case SPAN_ATTRIBUTES:
        span.eager = scanKeyValue(r, r.lenEnd(end), span.eager ?? undefined);
        break;
      case SPAN_EVENTS:
        validateEvent(r, r.lenEnd(end));
        break;
      case SPAN_LINKS:
        validateLink(r, r.lenEnd(end));
        break;
      case SPAN_STATUS:
        decodeStatus(r, r.lenEnd(end), span);
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
  span.startUs = startUs;
  span.durUs = endUs - startUs;
  const traceId = isValidId(buf, traceStart, traceLen, 16) ? hex(buf, traceStart, 16) : undefined;
  const spanId = isValidId(buf, spanStart, spanLen, 8) ? hex(buf, spanStart, 8) : undefined;
  let parent: string | undefined = '';
  if (parentLen !== 0) {
    parent = parentLen !== 8 ? undefined : isZero(buf, parentStart, 8) ? '' : hex(buf, parentStart, 8);
  }
  return acceptSpan(span, traceId, spanId, parent, tally);
}

function decodeStatus(r: ProtoReader, end: number, span: Span): void {
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === STATUS_CODE) {
      span.statusCode = toStatusCode(r.uint32());
    } else if (tag === STATUS_MESSAGE) {
      const message = r.string(end);
      span.statusMessage = message === '' ? undefined : message;
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
}
