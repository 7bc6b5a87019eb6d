/**
 * Writes SDK spans as Jaeger UI JSON the way Jaeger's query service shows OTLP data (its OTLP →
 * Jaeger model translation): 128-bit trace ids printed without leading zeros of the high half,
 * parent as CHILD_OF and links as FOLLOWS_FROM references, kind/status/scope as tags, arrays as
 * JSON strings, events as logs with an `event` field. Used to record the Jaeger fixture.
 */
import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

interface JaegerTag {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64';
  value: string | number | boolean;
}

const KIND_NAMES = ['internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'];

export function jaegerTraceId(hex: string): string {
  const high = hex.slice(0, 16).replace(/^0+/, '');
  return high === '' ? hex.slice(16) : high + hex.slice(16);
}

function micros(t: [number, number]): number {
  return t[0] * 1e6 + Math.floor(t[1] / 1000);
}

function tag(key: string, v: AttributeValue): JaegerTag {
  if (typeof v === 'boolean') {
    return { key, type: 'bool', value: v };
  }
  if (typeof v === 'number') {
    return { key, type: Number.isInteger(v) ? 'int64' : 'float64', value: v };
  }
  return { key, type: 'string', value: typeof v === 'string' ? v : JSON.stringify(v) };
}

function tags(attrs: Attributes, skip?: string): JaegerTag[] {
  return Object.entries(attrs)
    .filter(([k, v]) => k !== skip && v !== undefined)
    .map(([k, v]) => tag(k, v as AttributeValue));
}

/** `{ data: [{ traceID, spans, processes }] }`, one entry per trace, spans in the order given. */
export function toJaegerJson(spans: ReadableSpan[]): { data: unknown[] } {
  const traces = new Map<string, ReadableSpan[]>();
  for (const s of spans) {
    const id = s.spanContext().traceId;
    traces.set(id, [...(traces.get(id) ?? []), s]);
  }
  const data = [...traces].map(([traceId, list]) => {
    const processes: Record<string, { serviceName: string; tags: JaegerTag[] }> = {};
    const processIds = new Map<unknown, string>();
    const jaegerSpans = list.map((s) => {
      let pid = processIds.get(s.resource);
      if (pid === undefined) {
        pid = `p${processIds.size + 1}`;
        processIds.set(s.resource, pid);
        processes[pid] = { serviceName: String(s.resource.attributes['service.name']), tags: tags(s.resource.attributes, 'service.name') };
      }
      const references = [
        ...(s.parentSpanContext ? [{ refType: 'CHILD_OF', traceID: jaegerTraceId(traceId), spanID: s.parentSpanContext.spanId }] : []),
        ...s.links.map((l) => ({ refType: 'FOLLOWS_FROM', traceID: jaegerTraceId(l.context.traceId), spanID: l.context.spanId })),
      ];
      const spanTags = tags(s.attributes);
      spanTags.push({ key: 'otel.scope.name', type: 'string', value: s.instrumentationScope.name });
      if (s.instrumentationScope.version) {
        spanTags.push({ key: 'otel.scope.version', type: 'string', value: s.instrumentationScope.version });
      }
      spanTags.push({ key: 'span.kind', type: 'string', value: KIND_NAMES[s.kind] });
      if (s.status.code !== 0) {
        spanTags.push({ key: 'otel.status_code', type: 'string', value: STATUS_NAMES[s.status.code] });
      }
      if (s.status.code === 2) {
        spanTags.push({ key: 'error', type: 'bool', value: true });
        if (s.status.message) {
          spanTags.push({ key: 'otel.status_description', type: 'string', value: s.status.message });
        }
      }
      return {
        traceID: jaegerTraceId(traceId),
        spanID: s.spanContext().spanId,
        operationName: s.name,
        references,
        startTime: micros(s.startTime),
        duration: micros(s.endTime) - micros(s.startTime),
        tags: spanTags,
        logs: s.events.map((e) => ({ timestamp: micros(e.time), fields: [{ key: 'event', type: 'string', value: e.name }, ...tags(e.attributes ?? {})] })),
        processID: pid,
        warnings: null,
        flags: 1,
      };
    });
    return { traceID: jaegerTraceId(traceId), spans: jaegerSpans, processes, warnings: null };
  });
  return { data };
}
