/**
 * Zipkin v2 JSON (a flat array of spans, as `/api/v2/spans` takes and `/api/v2/trace` returns)
 * → spans. Times are microseconds; `localEndpoint.serviceName` is the service,
 * `remoteEndpoint.serviceName` becomes `peer.service`; tags are strings; annotations become
 * events; a missing kind is a local (internal) span.
 */
import type { Span, SpanBatch } from '../model';
import { SpanKind } from '../../shared/semconv';
import { REASON_PARENT_ID, REASON_SPAN_ID, REASON_TRACE_ID, isValidHexId, newSpan, padHexId, setAttribute } from '../otlp/spanBuilder';
import { YIELD_MASK } from '../otlp/slices';
import { BatchCollector, Shape, SharedObjects, applyMappingTags, kindFromName } from './jsonShape';
import type { Json } from './jsonShape';

const shape = new Shape('Zipkin JSON');

/** A Zipkin v2 document: an array whose first element looks like a Zipkin span. */
export function isZipkinJson(doc: unknown): boolean {
  if (!Array.isArray(doc)) {
    return false;
  }
  const first: unknown = doc[0];
  return doc.length === 0 || (typeof first === 'object' && first !== null && 'traceId' in first && 'id' in first);
}

/** Steps yielding every few hundred spans (see otlp/slices.ts). */
export function* importZipkin(doc: unknown): Generator<void, SpanBatch[]> {
  const spans: unknown[] = Array.isArray(doc) ? doc : shape.fail('(root)', 'expected an array of spans');
  const out = new BatchCollector();
  const shared = new SharedObjects();
  // Keep spans of one trace in one batch: Zipkin files are often ordered by trace anyway.
  let lastTrace = '';
  for (let i = 0; i < spans.length; i++) {
    const path = `[${i}]`;
    const s = shape.obj(spans[i], path);
    const traceId = padHexId(shape.str(s, 'traceId', path), 32);
    if (traceId !== lastTrace) {
      out.traceDone();
      lastTrace = traceId;
    }
    const span = zipkinSpan(s, path, traceId, shared);
    if (typeof span === 'string') {
      out.reject(span);
    } else {
      out.add(span);
    }
    if ((i & YIELD_MASK) === YIELD_MASK) {
      yield;
    }
  }
  return out.finish();
}

function zipkinSpan(s: Json, path: string, traceId: string, shared: SharedObjects): Span | string {
  const local = s.localEndpoint === undefined || s.localEndpoint === null ? {} : shape.obj(s.localEndpoint, `${path}.localEndpoint`);
  const serviceName = shape.str(local, 'serviceName', `${path}.localEndpoint`);
  const resource = shared.resource(serviceName, (r) => {
    if (serviceName !== '') {
      r.attributes['service.name'] = serviceName;
    }
  });
  const span = newSpan(resource, shared.scope('', ''));
  span.traceId = traceId;
  span.spanId = padHexId(shape.str(s, 'id', path), 16);
  if (!isValidHexId(traceId, 32)) {
    return REASON_TRACE_ID;
  }
  if (!isValidHexId(span.spanId, 16)) {
    return REASON_SPAN_ID;
  }
  const parent = shape.str(s, 'parentId', path);
  if (parent !== '') {
    const parentId = padHexId(parent, 16);
    if (!isValidHexId(parentId, 16)) {
      return REASON_PARENT_ID;
    }
    span.parentSpanId = parentId;
  }
  span.name = shape.str(s, 'name', path);
  const kind = shape.str(s, 'kind', path);
  span.kind = kind === '' ? SpanKind.INTERNAL : kindFromName(kind);
  span.startUs = shape.num(s, 'timestamp', path, 0);
  span.endUs = span.startUs + shape.num(s, 'duration', path, 0);
  const tags = s.tags === undefined || s.tags === null ? {} : shape.obj(s.tags, `${path}.tags`);
  for (const key of Object.keys(tags)) {
    const v = tags[key];
    setAttribute(span.attributes, key, typeof v === 'string' ? v : v === null ? null : JSON.stringify(v));
  }
  const remote = s.remoteEndpoint === undefined || s.remoteEndpoint === null ? undefined : shape.obj(s.remoteEndpoint, `${path}.remoteEndpoint`);
  if (remote !== undefined) {
    const peer = shape.str(remote, 'serviceName', `${path}.remoteEndpoint`);
    if (peer !== '' && span.attributes['peer.service'] === undefined) {
      span.attributes['peer.service'] = peer;
    }
    const address = shape.str(remote, 'ipv4', `${path}.remoteEndpoint`) || shape.str(remote, 'ipv6', `${path}.remoteEndpoint`);
    if (address !== '') {
      span.attributes['network.peer.address'] ??= address;
    }
    if (remote.port !== undefined && remote.port !== null) {
      span.attributes['network.peer.port'] ??= shape.num(remote, 'port', `${path}.remoteEndpoint`);
    }
  }
  applyMappingTags(span, shared);
  const annotations = shape.arr(s, 'annotations', path);
  for (let i = 0; i < annotations.length; i++) {
    const a = shape.obj(annotations[i], `${path}.annotations[${i}]`);
    span.events.push({ name: shape.str(a, 'value', `${path}.annotations[${i}]`), timeUs: shape.num(a, 'timestamp', `${path}.annotations[${i}]`), attributes: {} });
  }
  return span;
}
