/**
 * Journal records: one accepted batch with everything needed to apply it again after a crash
 * (spans, their resources and scopes, and the run each resource was filed under).
 *
 * Two forms. A batch that came from a receiver keeps the OTLP message as it arrived (after
 * decompression) behind a small header — no second encoding of the decoded spans on the hot path,
 * and fewer bytes on disk; replay decodes it again and applies the same validity check with the
 * same arrival time, so it yields the same spans. Other batches (imports) are JSON of the spans.
 *   sourced: 0x00 · u32 header length · header JSON · OTLP message
 *   spans:   JSON (starts with '{')
 */
import type { Attributes } from '../../shared/api';
import type { SpanKindValue, StatusCodeValue } from '../../shared/semconv';
import type { Resource, Scope, Span, SpanBatch, SpanEvent, SpanLink } from '../model';
import { decodeTraceRequestJson } from '../otlp/jsonDecoder';
import { decodeTraceRequestProto } from '../otlp/protoDecoder';
import type { RunRef } from './runs';

/** Latest plausible span time: a day ahead of the clock (clock skew beyond that is bad input). */
const FUTURE_SLACK_US = 86_400_000_000;

/** Whether the pipeline accepts a span that arrived at `nowUs`: ids present, times possible. */
export function validSpan(s: Span, nowUs: number): boolean {
  return (
    typeof s.traceId === 'string' &&
    typeof s.spanId === 'string' &&
    s.traceId.length > 0 &&
    s.spanId.length > 0 &&
    Number.isFinite(s.startUs) &&
    Number.isFinite(s.endUs) &&
    s.startUs > 0 &&
    s.startUs < nowUs + FUTURE_SLACK_US &&
    s.endUs >= s.startUs
  );
}

export interface JournalBatch {
  /** Arrival time (ms epoch). */
  at: number;
  transport: 'http' | 'grpc' | 'import';
  spans: Span[];
  rejected: number;
  /** Run of each span's resource. */
  runOf: Map<Resource, RunRef>;
  /** The message the spans were decoded from (receivers), kept in the journal instead of the spans. */
  source?: SpanBatch['source'];
}

interface SourcedHeader {
  v: 2;
  at: number;
  tr: JournalBatch['transport'];
  rej: number;
  enc: 'protobuf' | 'json';
  /** Run of each resource, in the order the resources first appear among the batch's spans. */
  runs: RunRef[];
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

/** A batch as a journal record, in parts (a batch with its source: a short header, then the request's own bytes). */
export function encodeBatch(b: JournalBatch): Uint8Array[] {
  if (b.source) {
    return encodeSourced(b, b.source);
  }
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
  return [Buffer.from(JSON.stringify(w))];
}

function encodeSourced(b: JournalBatch, source: NonNullable<SpanBatch['source']>): Uint8Array[] {
  const runs: RunRef[] = [];
  const seen = new Set<Resource>();
  for (const s of b.spans) {
    if (!seen.has(s.resource)) {
      seen.add(s.resource);
      runs.push(b.runOf.get(s.resource)!);
    }
  }
  const h: SourcedHeader = { v: 2, at: b.at, tr: b.transport, rej: b.rejected, enc: source.encoding, runs };
  const json = JSON.stringify(h);
  const head = Buffer.allocUnsafe(5 + Buffer.byteLength(json));
  head[0] = 0;
  head.writeUInt32LE(head.length - 5, 1);
  head.write(json, 5);
  return [head, source.bytes];
}

function decodeSourced(payload: Buffer): JournalBatch {
  const len = payload.readUInt32LE(1);
  const h = JSON.parse(payload.toString('utf8', 5, 5 + len)) as SourcedHeader;
  if (h.v !== 2) {
    throw new Error(`unknown journal record version ${String(h.v)}`);
  }
  const bytes = payload.subarray(5 + len);
  const decoded = h.enc === 'json' ? decodeTraceRequestJson(bytes) : decodeTraceRequestProto(bytes);
  const nowUs = h.at * 1000;
  const spans = decoded.spans.filter((s) => validSpan(s, nowUs));
  const runOf = new Map<Resource, RunRef>();
  for (const s of spans) {
    if (!runOf.has(s.resource)) {
      const run = h.runs[runOf.size];
      if (!run) {
        throw new Error('journal record has more resources than runs');
      }
      runOf.set(s.resource, run);
    }
  }
  return { at: h.at, transport: h.tr, spans, rejected: h.rej, runOf, source: { encoding: h.enc, bytes } };
}

export function decodeBatch(payload: Buffer): JournalBatch {
  if (payload.length > 0 && payload[0] === 0) {
    return decodeSourced(payload);
  }
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
