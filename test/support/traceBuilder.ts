/**
 * Builds spans and traces in code for analyzer tests: a trace is a tree of spans with offsets and
 * durations in ms from the trace start, in the engine's own span model. Ids are deterministic
 * (counters), so tests are reproducible; `plant*` helpers make the catalog's patterns.
 */
import type { Attributes } from '../../src/shared/api';
import type { SpanKindValue, StatusCodeValue } from '../../src/shared/semconv';
import { SpanKind, StatusCode } from '../../src/shared/semconv';
import type { AssembledTrace, Resource, Span, SpanEvent } from '../../src/engine/model';

let traceCounter = 0;
let spanCounter = 0;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

const resources = new Map<string, Resource>();
/** One shared Resource per service (the engine compares resources by identity). */
export function resourceOf(service: string): Resource {
  let r = resources.get(service);
  if (!r) {
    r = { serviceName: service, attributes: { 'service.name': service } };
    resources.set(service, r);
  }
  return r;
}

export interface SpanOptions {
  kind?: SpanKindValue;
  /** Start offset from the parent's start (ms). */
  atMs?: number;
  durMs?: number;
  attributes?: Attributes;
  scope?: string;
  service?: string;
  error?: boolean | string;
  events?: SpanEvent[];
  links?: { traceId: string; spanId: string }[];
}

export class SpanHandle {
  constructor(
    readonly builder: TraceBuilder,
    readonly span: Span,
  ) {}

  /** A child span starting `atMs` after this one starts. */
  child(name: string, o: SpanOptions = {}): SpanHandle {
    return this.builder.add(name, { ...o, service: o.service ?? this.span.resource.serviceName }, this);
  }

  /** A DB client span with its statement. */
  db(statement: string, o: SpanOptions & { system?: string; dbName?: string } = {}): SpanHandle {
    const op = statement.trim().split(/\s+/)[0].toUpperCase();
    return this.child(`${op} ${o.dbName ?? 'app'}`, {
      kind: SpanKind.CLIENT,
      scope: '@opentelemetry/instrumentation-pg',
      ...o,
      attributes: { 'db.system': o.system ?? 'postgresql', 'db.name': o.dbName ?? 'app', 'db.statement': statement, ...o.attributes },
    });
  }

  /** An HTTP client span to `url`. */
  httpCall(method: string, url: string, o: SpanOptions = {}): SpanHandle {
    return this.child(method, {
      kind: SpanKind.CLIENT,
      scope: '@opentelemetry/instrumentation-http',
      ...o,
      attributes: { 'http.request.method': method, 'url.full': url, ...o.attributes },
    });
  }

  /** Records an exception event on this span (and ERROR status). */
  exception(type: string, message: string, stack?: string): this {
    this.span.events.push({
      name: 'exception',
      timeUs: this.span.endUs,
      attributes: { 'exception.type': type, 'exception.message': message, ...(stack ? { 'exception.stacktrace': stack } : {}) },
    });
    this.span.statusCode = StatusCode.ERROR;
    return this;
  }
}

export interface TraceOptions {
  startMs?: number;
  runId?: string;
  traceId?: string;
}

export class TraceBuilder {
  readonly traceId: string;
  readonly startUs: number;
  readonly runId: string;
  readonly spans: Span[] = [];

  constructor(o: TraceOptions = {}) {
    this.traceId = o.traceId ?? hex(++traceCounter, 32);
    this.startUs = Math.round((o.startMs ?? Date.UTC(2026, 0, 1)) * 1000);
    this.runId = o.runId ?? 'default';
  }

  /** The SERVER span of an HTTP endpoint (`GET /users/:id`). */
  server(method: string, route: string, o: SpanOptions = {}): SpanHandle {
    return this.add(`${method} ${route}`, {
      kind: SpanKind.SERVER,
      scope: '@opentelemetry/instrumentation-http',
      ...o,
      attributes: { 'http.request.method': method, 'http.route': route, ...o.attributes },
    });
  }

  /** The CONSUMER span of a messaging destination. */
  consumer(destination: string, o: SpanOptions = {}): SpanHandle {
    return this.add(`${destination} process`, {
      kind: SpanKind.CONSUMER,
      scope: 'messaging',
      ...o,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': destination, ...o.attributes },
    });
  }

  /** Any span; a root when no parent is given. */
  add(name: string, o: SpanOptions = {}, parent?: SpanHandle): SpanHandle {
    const startUs = (parent ? parent.span.startUs : this.startUs) + Math.round((o.atMs ?? 0) * 1000);
    const err = o.error;
    const span: Span = {
      traceId: this.traceId,
      spanId: hex(++spanCounter, 16),
      ...(parent ? { parentSpanId: parent.span.spanId } : {}),
      name,
      kind: o.kind ?? SpanKind.INTERNAL,
      startUs,
      endUs: startUs + Math.round((o.durMs ?? 1) * 1000),
      statusCode: (err ? StatusCode.ERROR : StatusCode.UNSET) as StatusCodeValue,
      ...(typeof err === 'string' ? { statusMessage: err } : {}),
      attributes: { ...o.attributes },
      events: [...(o.events ?? [])],
      links: (o.links ?? []).map((l) => ({ ...l, attributes: {} })),
      resource: resourceOf(o.service ?? 'shop'),
      scope: { name: o.scope ?? 'app' },
    };
    this.spans.push(span);
    return new SpanHandle(this, span);
  }

  build(): AssembledTrace {
    return { traceId: this.traceId, runId: this.runId, spans: [...this.spans] };
  }
}

export interface SeriesOptions {
  /** Start of the first trace (ms epoch). */
  startMs?: number;
  /** Gap between trace starts (ms); large enough by default that traces never overlap. */
  everyMs?: number;
  runId?: string;
}

/** `n` traces, the i-th shaped by `shape(builder, i)`, spaced `everyMs` apart. */
export function traces(n: number, shape: (tb: TraceBuilder, i: number) => void, o: SeriesOptions = {}): AssembledTrace[] {
  const out: AssembledTrace[] = [];
  const start = o.startMs ?? Date.UTC(2026, 0, 1);
  for (let i = 0; i < n; i++) {
    const tb = new TraceBuilder({ startMs: start + i * (o.everyMs ?? 5000), runId: o.runId });
    shape(tb, i);
    out.push(tb.build());
  }
  return out;
}

/** True for the first `share` of `n` items spread evenly (i·share crosses an integer). */
export function spread(i: number, n: number, count: number): boolean {
  return Math.floor(((i + 1) * count) / n) > Math.floor((i * count) / n);
}

/**
 * An endpoint whose requests run `repeats` copies of one statement (with different literals) under
 * one parent in `affected` of `n` requests; the others run it once.
 */
export function plantNPlusOne(n: number, affected: number, repeats: number, o: SeriesOptions & { route?: string } = {}): AssembledTrace[] {
  return traces(
    n,
    (tb, i) => {
      const root = tb.server('GET', o.route ?? '/orders', { durMs: 200 });
      const loop = root.child('loadOrders', { atMs: 1, durMs: 60 });
      const k = spread(i, n, affected) ? repeats : 1;
      for (let j = 0; j < k; j++) {
        loop.db(`SELECT * FROM items WHERE order_id = ${100 + j} AND status = 'open'`, { atMs: 1 + j * 2, durMs: 1.5 });
      }
    },
    o,
  );
}

/** An endpoint where a span takes `shareOfRequest` of the request in `affected` of `n` requests (else 10 %). */
export function plantBottleneck(n: number, affected: number, shareOfRequest: number, o: SeriesOptions & { route?: string } = {}): AssembledTrace[] {
  return traces(
    n,
    (tb, i) => {
      const root = tb.server('POST', o.route ?? '/token', { durMs: 100 });
      const share = spread(i, n, affected) ? shareOfRequest : 0.1;
      root.child('hashPassword', { atMs: 0, durMs: 100 * share });
      root.child('writeAudit', { atMs: 100 * share, durMs: 5 });
    },
    o,
  );
}

/**
 * An Express-style request: the server span, a framework `request handler` span around nearly all of
 * it, a `priceCart` function inside that, and under it one HTTP client call covering `innerShare` of the
 * request, or with `steps` that many distinct functions (`step0`…) sharing it equally. `entry`: a second
 * SERVER span of the same service wraps the handler (an ASGI/FastAPI-style inner server span).
 */
export function plantWrappedBottleneck(n: number, innerShare: number, o: SeriesOptions & { steps?: number; entry?: boolean } = {}): AssembledTrace[] {
  return traces(
    n,
    (tb) => {
      const root = tb.server('POST', '/checkout', { durMs: 100 });
      const outer = o.entry ? root.child('POST /checkout', { kind: SpanKind.SERVER, scope: 'asgi', atMs: 0.5, durMs: 99, attributes: { 'http.request.method': 'POST', 'http.route': '/checkout' } }) : root;
      const handler = outer.child('request handler - /checkout', { scope: '@opentelemetry/instrumentation-express', atMs: 0.5, durMs: 98 });
      const price = handler.child('priceCart', { atMs: 0.5, durMs: 97 });
      if (o.steps === undefined) {
        price.httpCall('GET', 'http://pricing.internal/prices', { atMs: 1, durMs: innerShare * 100 });
      }
      for (let j = 0; j < (o.steps ?? 0); j++) {
        price.child(`step${j}`, { atMs: 1 + (j * 90) / o.steps!, durMs: (innerShare * 100) / o.steps! });
      }
    },
    o,
  );
}

/** Deterministic pseudo-random numbers (mulberry32) for reproducible samples. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle with a seeded generator (a copy). */
export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const r = rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
