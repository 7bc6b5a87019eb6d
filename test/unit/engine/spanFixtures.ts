/** Spans as the decoders produce them (model.ts), for in-process pipeline tests. */
import { randomBytes } from 'node:crypto';
import type { Attributes } from '../../../src/shared/api';
import type { Resource, Scope, Span } from '../../../src/engine/model';
import type { SpanKindValue } from '../../../src/shared/semconv';

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

export function resource(serviceName: string, attributes: Attributes = {}): Resource {
  return { serviceName, attributes: { 'service.name': serviceName, ...attributes } };
}

export function span(r: Resource, scope: Scope, o: { traceId?: string; spanId?: string; parent?: string; name: string; kind?: SpanKindValue; startMs: number; durMs: number; error?: boolean; attributes?: Attributes }): Span {
  const s: Span = {
    traceId: o.traceId ?? hex(16),
    spanId: o.spanId ?? hex(8),
    name: o.name,
    kind: o.kind ?? 1,
    startUs: Math.round(o.startMs * 1000),
    endUs: Math.round((o.startMs + o.durMs) * 1000),
    statusCode: o.error ? 2 : 0,
    attributes: o.attributes ?? {},
    events: [],
    links: [],
    resource: r,
    scope,
  };
  if (o.parent) {
    s.parentSpanId = o.parent;
  }
  return s;
}
