/**
 * Reference decoding for cross-checks: the protobufjs static module generated from the official
 * .proto files (shipped by `@opentelemetry/otlp-transformer` 0.216, installed as the test-only
 * devDependency `otlp-transformer-ref`), mapped to the engine's span model by code written here,
 * independently of the engine's decoders.
 */
import refRoot from 'otlp-transformer-ref/build/src/generated/root';
import type { AttrValue, Attributes } from '../../../src/shared/api';
import type { Resource, Scope, Span } from '../../../src/engine/model';

interface ProtoType {
  decode(bytes: Uint8Array): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  fromObject(o: unknown): unknown;
  toObject(m: unknown, opts: Record<string, unknown>): Record<string, unknown>;
}
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ns = (refRoot as unknown as Obj).opentelemetry.proto;
export const RefExportTraceServiceRequest = ns.collector.trace.v1.ExportTraceServiceRequest as ProtoType;
export const RefExportTraceServiceResponse = ns.collector.trace.v1.ExportTraceServiceResponse as ProtoType;

/** protobufjs generic decode + toObject (the baseline the engine's decoder is measured against). */
export function refDecodeToObject(bytes: Uint8Array): Obj {
  const msg = RefExportTraceServiceRequest.decode(bytes);
  return RefExportTraceServiceRequest.toObject(msg, { longs: String, bytes: String, defaults: false, arrays: true });
}

/** Reference decoding mapped to the engine's model (valid ids assumed). */
export function refDecodeSpans(bytes: Uint8Array): Span[] {
  const req = refDecodeToObject(bytes);
  const spans: Span[] = [];
  for (const rs of (req.resourceSpans ?? []) as Obj[]) {
    const attributes = attrs(rs.resource?.attributes);
    const name = attributes['service.name'];
    const resource: Resource = { attributes, serviceName: typeof name === 'string' && name ? name : 'unknown_service' };
    for (const ss of (rs.scopeSpans ?? []) as Obj[]) {
      const scope: Scope = { name: ss.scope?.name ?? '', version: ss.scope?.version || undefined };
      for (const s of (ss.spans ?? []) as Obj[]) {
        const parent = hex(s.parentSpanId);
        spans.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: parent && !/^0+$/.test(parent) ? parent : undefined,
          name: s.name ?? '',
          kind: s.kind ?? 0,
          startUs: micros(s.startTimeUnixNano),
          endUs: micros(s.endTimeUnixNano),
          statusCode: s.status?.code ?? 0,
          statusMessage: s.status?.message || undefined,
          attributes: attrs(s.attributes),
          events: ((s.events ?? []) as Obj[]).map((e) => ({ name: e.name ?? '', timeUs: micros(e.timeUnixNano), attributes: attrs(e.attributes) })),
          links: ((s.links ?? []) as Obj[]).map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId), attributes: attrs(l.attributes) })),
          resource,
          scope,
        });
      }
    }
  }
  return spans;
}

function hex(base64: string | undefined): string {
  return base64 ? Buffer.from(base64, 'base64').toString('hex') : '';
}

function micros(nanos: string | undefined): number {
  return nanos ? Number(BigInt(nanos) / 1000n) : 0;
}

function attrs(list: Obj[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) {
    out[kv.key ?? ''] = value(kv.value);
  }
  return out;
}

function value(v: Obj | undefined): AttrValue {
  if (!v) {
    return null;
  }
  if ('stringValue' in v) {
    return v.stringValue;
  }
  if ('boolValue' in v) {
    return v.boolValue;
  }
  if ('intValue' in v) {
    return Number(v.intValue);
  }
  if ('doubleValue' in v) {
    return v.doubleValue;
  }
  if ('arrayValue' in v) {
    return ((v.arrayValue.values ?? []) as Obj[]).map(value);
  }
  if ('kvlistValue' in v) {
    return attrs(v.kvlistValue.values);
  }
  if ('bytesValue' in v) {
    return v.bytesValue;
  }
  return null;
}
