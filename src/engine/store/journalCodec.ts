/**
 * Journal records: one accepted batch with everything needed to apply it again after a crash
 * (spans, their resources and scopes, and the run each resource was filed under).
 */
import type { Attributes } from '../../shared/api';
import type { SpanKindValue, StatusCodeValue } from '../../shared/semconv';
import type { Resource, Scope, Span, SpanEvent, SpanLink } from '../model';
import type { RunRef } from './runs';

export interface JournalBatch {
  /** Arrival time (ms epoch). */
  at: number;
  transport: 'http' | 'grpc' | 'import';
  spans: Span[];
  rejected: number;
  /** Run of each span's resource. */
  runOf: Map<Resource, RunRef>;
}

type SpanTuple = [
  traceId: string,
  spanId: string,
  parent: string | 0,
  name: string,
  kind: number,
  startUs: number,
  endUs: number,
  status: number,
  statusMessage: string | 0,
  attributes: Attributes,
  events: SpanEvent[] | 0,
  links: SpanLink[] | 0,
  resource: number,
  scope: number,
];

interface Wire {
  v: 1;
  at: number;
  tr: JournalBatch['transport'];
  rej: number;
  res: { a: Attributes; s: string; run: RunRef }[];
  sc: Scope[];
  sp: SpanTuple[];
}

export function encodeBatch(b: JournalBatch): Buffer {
  const resIdx = new Map<Resource, number>();
  const scIdx = new Map<Scope, number>();
  const res: Wire['res'] = [];
  const sc: Scope[] = [];
  const sp: SpanTuple[] = new Array(b.spans.length);
  for (let i = 0; i < b.spans.length; i++) {
    const s = b.spans[i];
    let r = resIdx.get(s.resource);
    if (r === undefined) {
      r = res.length;
      resIdx.set(s.resource, r);
      res.push({ a: s.resource.attributes, s: s.resource.serviceName, run: b.runOf.get(s.resource)! });
    }
    let c = scIdx.get(s.scope);
    if (c === undefined) {
      c = sc.length;
      scIdx.set(s.scope, c);
      sc.push(s.scope);
    }
    sp[i] = [s.traceId, s.spanId, s.parentSpanId ?? 0, s.name, s.kind, s.startUs, s.endUs, s.statusCode, s.statusMessage ?? 0, s.attributes, s.events.length ? s.events : 0, s.links.length ? s.links : 0, r, c];
  }
  const w: Wire = { v: 1, at: b.at, tr: b.transport, rej: b.rejected, res, sc, sp };
  return Buffer.from(JSON.stringify(w));
}

export function decodeBatch(payload: Buffer): JournalBatch {
  const w = JSON.parse(payload.toString('utf8')) as Wire;
  if (w.v !== 1) {
    throw new Error(`unknown journal record version ${String(w.v)}`);
  }
  const runOf = new Map<Resource, RunRef>();
  const resources: Resource[] = w.res.map((r) => {
    const resource: Resource = { attributes: r.a, serviceName: r.s };
    runOf.set(resource, r.run);
    return resource;
  });
  const spans: Span[] = w.sp.map((t) => {
    const s: Span = {
      traceId: t[0],
      spanId: t[1],
      name: t[3],
      kind: t[4] as SpanKindValue,
      startUs: t[5],
      endUs: t[6],
      statusCode: t[7] as StatusCodeValue,
      attributes: t[9],
      events: t[10] || [],
      links: t[11] || [],
      resource: resources[t[12]],
      scope: w.sc[t[13]],
    };
    if (t[2]) {
      s.parentSpanId = t[2];
    }
    if (t[8]) {
      s.statusMessage = t[8];
    }
    return s;
  });
  return { at: w.at, transport: w.tr, spans, rejected: w.rej, runOf };
}
