/**
 * Jaeger UI "Download JSON" (`{ data: [{ traceID, spans, processes }] }`, also what Jaeger's
 * `/api/traces` returns) → spans. Times are microseconds; ids lost their leading zeros and are
 * padded back; the first CHILD_OF reference is the parent, other references become links;
 * `span.kind`, `otel.status_code`, `error` and `otel.scope.*` tags go back into span fields;
 * logs become events (the `event` field is the name).
 */
import type { Attributes, AttrValue } from '../../shared/api';
import type { Span, SpanBatch, SpanEvent } from '../model';
import { REASON_SPAN_ID, REASON_TRACE_ID, isValidHexId, newSpan, padHexId, setAttribute } from '../otlp/spanBuilder';
import { BatchCollector, Shape, SharedObjects, applyMappingTags } from './jsonShape';
import type { Json } from './jsonShape';

const shape = new Shape('Jaeger JSON');

export function isJaegerJson(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && Array.isArray((doc as Json).data);
}

/** Steps yielding after each trace (see otlp/slices.ts). */
export function* importJaeger(doc: unknown): Generator<void, SpanBatch[]> {
  const root = shape.obj(doc, '(root)');
  const traces = shape.arr(root, 'data', '(root)');
  const out = new BatchCollector();
  const shared = new SharedObjects();
  for (let t = 0; t < traces.length; t++) {
    const path = `data[${t}]`;
    const trace = shape.obj(traces[t], path);
    const processes = trace.processes === undefined || trace.processes === null ? {} : shape.obj(trace.processes, `${path}.processes`);
    const spans = shape.arr(trace, 'spans', path);
    for (let i = 0; i < spans.length; i++) {
      const span = jaegerSpan(shape.obj(spans[i], `${path}.spans[${i}]`), `${path}.spans[${i}]`, processes, `${path}.processes`, shared);
      if (typeof span === 'string') {
        out.reject(span);
      } else {
        out.add(span);
      }
    }
    out.traceDone();
    yield;
  }
  return out.finish();
}

/** A span, or the reason it was rejected. */
function jaegerSpan(s: Json, path: string, processes: Json, processesPath: string, shared: SharedObjects): Span | string {
  const processId = shape.str(s, 'processID', path);
  const inline = s.process;
  const resource = shared.resource(inline ? `inline\u0000${JSON.stringify(inline)}` : `${processesPath}\u0000${processId}`, (r) => {
    const process = inline ? shape.obj(inline, `${path}.process`) : processes[processId] === undefined ? {} : shape.obj(processes[processId], `${processesPath}.${processId}`);
    const serviceName = shape.str(process, 'serviceName', `${processesPath}.${processId}`);
    tags(shape.arr(process, 'tags', `${processesPath}.${processId}`), `${processesPath}.${processId}.tags`, r.attributes);
    if (serviceName !== '') {
      r.attributes['service.name'] = serviceName;
    }
  });
  const span = newSpan(resource, shared.scope('', ''));
  span.traceId = padHexId(shape.str(s, 'traceID', path), 32);
  span.spanId = padHexId(shape.str(s, 'spanID', path), 16);
  if (!isValidHexId(span.traceId, 32)) {
    return REASON_TRACE_ID;
  }
  if (!isValidHexId(span.spanId, 16)) {
    return REASON_SPAN_ID;
  }
  span.name = shape.str(s, 'operationName', path);
  span.startUs = shape.num(s, 'startTime', path);
  span.endUs = span.startUs + shape.num(s, 'duration', path, 0);
  const refs = shape.arr(s, 'references', path);
  for (let i = 0; i < refs.length; i++) {
    const ref = shape.obj(refs[i], `${path}.references[${i}]`);
    const traceId = padHexId(shape.str(ref, 'traceID', `${path}.references[${i}]`), 32);
    const spanId = padHexId(shape.str(ref, 'spanID', `${path}.references[${i}]`), 16);
    if (!isValidHexId(traceId, 32) || !isValidHexId(spanId, 16)) {
      continue;
    }
    if (ref.refType === 'CHILD_OF' && span.parentSpanId === undefined && traceId === span.traceId) {
      span.parentSpanId = spanId;
    } else {
      span.links.push({ traceId, spanId, attributes: {} });
    }
  }
  const legacyParent = padHexId(shape.str(s, 'parentSpanID', path), 16);
  if (span.parentSpanId === undefined && isValidHexId(legacyParent, 16)) {
    span.parentSpanId = legacyParent;
  }
  tags(shape.arr(s, 'tags', path), `${path}.tags`, span.attributes);
  applyMappingTags(span, shared);
  const logs = shape.arr(s, 'logs', path);
  for (let i = 0; i < logs.length; i++) {
    span.events.push(jaegerLog(shape.obj(logs[i], `${path}.logs[${i}]`), `${path}.logs[${i}]`));
  }
  return span;
}

function jaegerLog(log: Json, path: string): SpanEvent {
  const attributes: Attributes = {};
  tags(shape.arr(log, 'fields', path), `${path}.fields`, attributes);
  const name = attributes.event;
  delete attributes.event;
  return { name: typeof name === 'string' ? name : 'log', timeUs: shape.num(log, 'timestamp', path), attributes };
}

/** Jaeger key/type/value tags → attributes. */
function tags(list: unknown[], path: string, into: Attributes): void {
  for (let i = 0; i < list.length; i++) {
    const tag = shape.obj(list[i], `${path}[${i}]`);
    const key = shape.str(tag, 'key', `${path}[${i}]`);
    setAttribute(into, key, tagValue(tag, `${path}[${i}]`));
  }
}

function tagValue(tag: Json, path: string): AttrValue {
  const v = tag.value;
  switch (tag.type) {
    case 'bool':
      return v === true || v === 'true';
    case 'int64':
    case 'float64':
      return shape.num(tag, 'value', path);
    default:
      if (v === null || v === undefined) {
        return null;
      }
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        return v;
      }
      return JSON.stringify(v);
  }
}
