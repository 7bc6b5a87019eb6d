/**
 * Pieces every decoder (OTLP protobuf, OTLP JSON, Jaeger, Zipkin) shares: span/resource/scope
 * objects created with one shape (so V8 keeps one hidden class and the decoders give identical
 * results), id validation, and the tally of rejected spans for OTLP partial success.
 */
import type { AttrValue, Attributes } from '../../shared/api';
import { ATTR_SERVICE_NAME, SpanKind, StatusCode } from '../../shared/semconv';
import type { SpanKindValue, StatusCodeValue } from '../../shared/semconv';
import type { Resource, Scope, Span, SpanBatch } from '../model';

export const UNKNOWN_SERVICE = 'unknown_service';
/** Deepest nesting of array/kvlist attribute values a decoder accepts (guards the stack). */
export const MAX_VALUE_DEPTH = 64;

export function newResource(): Resource {
  return { attributes: {}, serviceName: UNKNOWN_SERVICE };
}

/** Sets `serviceName` from the attributes; call once all attributes of the resource are known. */
export function finishResource(resource: Resource): Resource {
  const name = resource.attributes[ATTR_SERVICE_NAME];
  resource.serviceName = typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE;
  return resource;
}

export function newScope(name = '', version?: string): Scope {
  return { name, version: version === '' ? undefined : version };
}

/** A span with every field present in one fixed order; decoders fill it in. */
export function newSpan(resource: Resource, scope: Scope): Span {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: undefined,
    name: '',
    kind: SpanKind.UNSPECIFIED,
    startUs: 0,
    endUs: 0,
    statusCode: StatusCode.UNSET,
    statusMessage: undefined,
    attributes: {} as Attributes,
    events: [],
    links: [],
    resource,
    scope,
  };
}

/**
 * `attributes[key] = value`, except that a key named `__proto__` becomes an ordinary own property
 * instead of replacing the object's prototype (attribute keys come from the network).
 */
export function setAttribute(attributes: Attributes, key: string, value: AttrValue): void {
  if (key === '__proto__') {
    Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attributes[key] = value;
  }
}

export function toSpanKind(n: number): SpanKindValue {
  return n >= 0 && n <= 5 && Number.isInteger(n) ? (n as SpanKindValue) : SpanKind.UNSPECIFIED;
}

export function toStatusCode(n: number): StatusCodeValue {
  return n === 1 || n === 2 ? n : StatusCode.UNSET;
}

const HEX_ID = /^[0-9a-f]+$/;
const ZERO_ID = /^0+$/;

/** True when `id` is lower-case hex of exactly `hexLength` characters and not all zeros. */
export function isValidHexId(id: string, hexLength: number): boolean {
  return id.length === hexLength && HEX_ID.test(id) && !ZERO_ID.test(id);
}

/** Left-pads an id that lost its leading zeros (Jaeger, Zipkin) and lower-cases it. */
export function padHexId(id: string, hexLength: number): string {
  const lower = id.toLowerCase();
  return lower.length >= hexLength ? lower : '0'.repeat(hexLength - lower.length) + lower;
}

/**
 * Gives a decoded span its ids, or counts why it is rejected (and returns undefined). Each id is
 * lower-case hex, or undefined when invalid; `parentSpanId` is '' for a root span.
 */
export function acceptSpan(span: Span, traceId: string | undefined, spanId: string | undefined, parentSpanId: string | undefined, tally: RejectTally): Span | undefined {
  if (traceId === undefined) {
    tally.add(REASON_TRACE_ID);
    return undefined;
  }
  if (spanId === undefined) {
    tally.add(REASON_SPAN_ID);
    return undefined;
  }
  if (parentSpanId === undefined) {
    tally.add(REASON_PARENT_ID);
    return undefined;
  }
  span.traceId = traceId;
  span.spanId = spanId;
  span.parentSpanId = parentSpanId === '' ? undefined : parentSpanId;
  return span;
}

/** Counts rejected spans by reason; turns into `SpanBatch.rejected` / `rejectReason`. */
export class RejectTally {
  count = 0;
  private readonly reasons = new Map<string, number>();

  add(reason: string): void {
    this.count++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  batch(spans: Span[]): SpanBatch {
    if (this.count === 0) {
      return { spans, rejected: 0 };
    }
    const parts = [...this.reasons].map(([reason, n]) => `${n} × ${reason}`);
    return { spans, rejected: this.count, rejectReason: `${this.count} span(s) rejected: ${parts.join('; ')}` };
  }
}

export const REASON_TRACE_ID = 'invalid trace id (must be 16 bytes, not all zero)';
export const REASON_SPAN_ID = 'invalid span id (must be 8 bytes, not all zero)';
export const REASON_PARENT_ID = 'invalid parent span id (must be empty or 8 bytes)';
