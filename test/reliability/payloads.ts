/**
 * OTLP request bodies for the bad-input corpus: hand-made protobuf (through the ingest tests' wire
 * helpers) and JSON, each for service `bad-input`, so nothing they add can touch the seeded data.
 */
import { gzipSync } from 'node:zlib';
import * as w from '../unit/ingest/wire';

export const BAD_SERVICE = 'bad-input';
const NS = 1_000_000n;

export interface PbSpan {
  traceId?: Buffer | null;
  spanId?: Buffer | null;
  parentSpanId?: Buffer;
  name?: string | Buffer;
  kind?: number;
  startNs?: bigint;
  endNs?: bigint;
  attrs?: Buffer[];
  status?: number;
  extra?: Buffer[];
}

let idCounter = 1;
/** A fresh non-zero id of `bytes` bytes. */
export function newId(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  b.writeUInt32BE(0x5a000000 + idCounter++, bytes - 4);
  b[0] = 0x42;
  return b;
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * NS;
}

/** Span message bytes; missing ids/times get good defaults, `null` leaves the field out. */
export function pbSpan(s: PbSpan = {}): Buffer {
  const start = s.startNs ?? nowNs() - 5_000n * NS;
  const end = s.endNs ?? start + 12n * NS;
  const parts: Buffer[] = [];
  if (s.traceId !== null) {
    parts.push(w.len(1, s.traceId ?? newId(16)));
  }
  if (s.spanId !== null) {
    parts.push(w.len(2, s.spanId ?? newId(8)));
  }
  if (s.parentSpanId) {
    parts.push(w.len(4, s.parentSpanId));
  }
  parts.push(w.len(5, s.name ?? 'bad-input-op'), w.vint(6, s.kind ?? 1), w.fixed64(7, start), w.fixed64(8, end));
  parts.push(...(s.attrs ?? []).map((a) => w.len(9, a)));
  if (s.status !== undefined) {
    parts.push(w.len(15, w.vint(3, s.status)));
  }
  parts.push(...(s.extra ?? []));
  return Buffer.concat(parts);
}

/** ExportTraceServiceRequest of these spans for `service` (default `bad-input`). */
export function pbRequest(spans: Buffer[], scopeName = 'reliability', service = BAD_SERVICE): Buffer {
  return w.request([w.keyValue(1, 'service.name', w.stringValue(service))], w.len(1, scopeName), spans);
}

/** A KeyValue message (to go into field 9 of a span as `len(9, kv)`). */
export function kv(key: string, anyValue: Buffer): Buffer {
  return Buffer.concat([w.len(1, key), w.len(2, anyValue)]);
}

export const anyString = (s: string | Buffer): Buffer => w.len(1, s);
export const anyInt = (n: bigint): Buffer => w.vint(3, n);
export const anyDouble = (x: number): Buffer => w.double(4, x);

/**
 * `inner` wrapped in `depth` levels of length-delimited fields (`fields`, outermost first, cycled),
 * built in linear time so a 100,000-level message costs a few hundred KB, not gigabytes.
 */
export function nested(inner: Buffer, depth: number, fields: number[]): Buffer {
  const sizes: number[] = new Array<number>(depth);
  let size = inner.length;
  for (let level = depth - 1; level >= 0; level--) {
    const field = fields[level % fields.length];
    size = w.tag(field, 2).length + w.varint(size).length + size;
    sizes[level] = size;
  }
  const heads: Buffer[] = [];
  for (let level = 0; level < depth; level++) {
    const field = fields[level % fields.length];
    const innerSize = level + 1 < depth ? sizes[level + 1] : inner.length;
    heads.push(w.tag(field, 2), w.varint(innerSize));
  }
  return Buffer.concat([...heads, inner]);
}

/** AnyValue holding arrays nested `depth` deep (AnyValue.array_value=5 → ArrayValue.values=1). */
export function nestedArrayValue(depth: number): Buffer {
  return nested(anyString('leaf'), depth * 2, [5, 1]);
}

/** AnyValue holding kvlists nested `depth` deep (AnyValue.kvlist_value=6 → KeyValueList.values=1 → KeyValue.value=2). */
export function nestedKvlistValue(depth: number): Buffer {
  // Each level: kvlist_value(6) { values(1) { key(1)="k", value(2) { … } } } — the key makes it a real KeyValue.
  let v = anyString('leaf');
  for (let i = 0; i < depth; i++) {
    v = w.len(6, w.len(1, w.len(1, 'k'), w.len(2, v)));
  }
  return v;
}

/** `n` string attributes as KeyValue messages. */
export function manyAttrs(n: number): Buffer[] {
  const out: Buffer[] = new Array<Buffer>(n);
  for (let i = 0; i < n; i++) {
    out[i] = kv(`attr.${i}`, anyString(`value-${i}`));
  }
  return out;
}

/** Deterministic pseudo-random bytes. */
export function seededBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

// ── OTLP/JSON ──────────────────────────────────────────────────────────────────────────────────

export function hex(bytes: number): string {
  return newId(bytes).toString('hex');
}

/** A JSON span with good defaults; fields in `over` replace them (undefined removes one). */
export function jsonSpan(over: Record<string, unknown> = {}): Record<string, unknown> {
  const start = nowNs() - 5_000n * NS;
  const span: Record<string, unknown> = {
    traceId: hex(16),
    spanId: hex(8),
    name: 'bad-input-json-op',
    kind: 1,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 7n * NS),
    attributes: [],
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) {
      delete span[k];
    } else {
      span[k] = v;
    }
  }
  return span;
}

export function jsonRequest(spans: unknown[]): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: BAD_SERVICE } }] },
        scopeSpans: [{ scope: { name: 'reliability' }, spans }],
      },
    ],
  };
}

export function jsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** A span whose one attribute has `value` (raw JSON text, so it can be what JSON.stringify never makes). */
export function jsonWithRawAttr(rawValue: string): Buffer {
  const text = JSON.stringify(jsonRequest([jsonSpan({ attributes: [{ key: 'x', value: '@@RAW@@' }] })]));
  return Buffer.from(text.replace('"@@RAW@@"', rawValue));
}

/** A span whose `field` is the raw JSON text `raw`. */
export function jsonWithRawField(field: string, raw: string): Buffer {
  const text = JSON.stringify(jsonRequest([jsonSpan({ [field]: '@@RAW@@' })]));
  return Buffer.from(text.replace('"@@RAW@@"', raw));
}

/** A gzip body that inflates to `inflatedBytes` of zeros (a decompression bomb). */
export function gzipBomb(inflatedBytes: number): Buffer {
  return gzipSync(Buffer.alloc(inflatedBytes), { level: 9 });
}
