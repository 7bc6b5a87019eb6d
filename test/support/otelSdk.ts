/**
 * Real OpenTelemetry JS SDK workloads for tests, fixtures and benchmarks.
 *
 *   const exporter = makeExporter('proto', `http://127.0.0.1:${port}/v1/traces`, { gzip: true });
 *   const summary = await emitWorkload(exporter, { traces: 10 });
 *
 * The workload is deterministic (seeded ids, fixed times): a `frontend` server calling `orders`
 * over HTTP, `orders` loading items with an N+1 of database calls, `inventory` consuming a message
 * with a link back to the order; every fifth request fails with an exception event. Spans carry
 * code.* attributes in both the new (`code.function.name`, …) and the old (`code.function`, …)
 * conventions, and attributes of every OTLP value type the SDK can send.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import type { Attributes, Context, Link, Span, Tracer } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { IdGenerator, ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** `proto` = OTLP/HTTP protobuf, `json` = OTLP/HTTP JSON, `grpc` = OTLP/gRPC, `zipkin` = Zipkin v2 JSON. */
export type ExporterKind = 'proto' | 'json' | 'grpc' | 'zipkin';

export interface ExporterOptions {
  gzip?: boolean;
  timeoutMillis?: number;
}

/**
 * A real SDK exporter. `url` is the full `/v1/traces` URL for `proto`/`json`,
 * `http://host:port` for `grpc` (plain text on loopback), the `/api/v2/spans` URL for `zipkin`
 * (which has no compression option).
 */
export function makeExporter(kind: ExporterKind, url: string, opts: ExporterOptions = {}): SpanExporter {
  const compression = opts.gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
  const timeoutMillis = opts.timeoutMillis ?? 10_000;
  switch (kind) {
    case 'proto':
      return new ProtoExporter({ url, compression, timeoutMillis });
    case 'json':
      return new JsonExporter({ url, compression, timeoutMillis });
    case 'grpc':
      return new GrpcExporter({ url, compression, timeoutMillis });
    case 'zipkin':
      return new ZipkinExporter({ url });
  }
}

export interface WorkloadOptions {
  /** Number of incoming requests (traces) to simulate; default 10. */
  traces?: number;
  /** Seed of the id generator; same seed → same ids. Default 1. */
  seed?: number;
  /** Start time of the first trace, ms since the epoch. Default 2026-01-15T10:00:00Z. */
  startMs?: number;
  /** Database calls per order load (the planted N+1); default 5. */
  dbCallsPerOrder?: number;
  /** Spans per `export()` call when emitting; default all in one call. */
  batchSize?: number;
  /** `service.version` of every service (to make runs); default '1.0.0'. */
  serviceVersion?: string;
}

export interface WorkloadSummary {
  spans: number;
  traces: number;
  errors: number;
  traceIds: string[];
  services: string[];
}

export const WORKLOAD_SERVICES = ['frontend', 'orders', 'inventory'] as const;
const DEFAULT_START_MS = Date.UTC(2026, 0, 15, 10, 0, 0);

/** Finished spans of the workload, straight from the SDK (no export). */
export async function workloadSpans(opts: WorkloadOptions = {}): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const ids = new SeededIds(opts.seed ?? 1);
  const providers = WORKLOAD_SERVICES.map(
    (name) =>
      new BasicTracerProvider({
        resource: resourceFromAttributes({
          'service.name': name,
          'service.version': opts.serviceVersion ?? '1.0.0',
          'telemetry.sdk.language': 'nodejs',
          'host.cores': 8,
          'deployment.environment.name': 'test',
        }),
        idGenerator: ids,
        spanProcessors: [new SimpleSpanProcessor(memory)],
      }),
  );
  const [frontend, orders, inventory] = providers.map((p, i) => p.getTracer(`${WORKLOAD_SERVICES[i]}-instrumentation`, '0.9.0'));
  const traces = opts.traces ?? 10;
  const start = opts.startMs ?? DEFAULT_START_MS;
  for (let i = 0; i < traces; i++) {
    emitRequest({ frontend, orders, inventory }, i, start + i * 1000, opts.dbCallsPerOrder ?? 5);
  }
  await Promise.all(providers.map((p) => p.forceFlush()));
  const spans = memory.getFinishedSpans();
  await Promise.all(providers.map((p) => p.shutdown()));
  return spans;
}

/** Builds the workload and sends it through `exporter` (then shuts the exporter down). */
export async function emitWorkload(exporter: SpanExporter, opts: WorkloadOptions = {}): Promise<WorkloadSummary> {
  const spans = await workloadSpans(opts);
  const batchSize = opts.batchSize ?? spans.length;
  try {
    for (let i = 0; i < spans.length; i += batchSize) {
      await exportSpans(exporter, spans.slice(i, i + batchSize));
    }
  } finally {
    await exporter.shutdown();
  }
  return summarize(spans);
}

/** One `exporter.export` call as a promise; rejects with the exporter's error on failure. */
export function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    exporter.export(spans, (result) => {
      if (result.code === 0) {
        resolve();
      } else {
        reject(result.error ?? new Error(`export failed with code ${result.code}`));
      }
    });
  });
}

/** The bytes the SDK's OTLP exporters would send for these spans. */
export function serializeSpans(encoding: 'protobuf' | 'json', spans: ReadableSpan[]): Uint8Array {
  const bytes = encoding === 'json' ? JsonTraceSerializer.serializeRequest(spans) : ProtobufTraceSerializer.serializeRequest(spans);
  if (bytes === undefined) {
    throw new Error('the SDK serializer returned nothing');
  }
  return bytes;
}

export function summarize(spans: ReadableSpan[]): WorkloadSummary {
  const traceIds = [...new Set(spans.map((s) => s.spanContext().traceId))];
  return {
    spans: spans.length,
    traces: traceIds.length,
    errors: spans.filter((s) => s.status.code === SpanStatusCode.ERROR).length,
    traceIds,
    services: [...new Set(spans.map((s) => String(s.resource.attributes['service.name'])))],
  };
}

/**
 * Runs `send(url)` against a throw-away loopback HTTP server that answers every POST with success
 * and returns the bodies it received (gunzipped): how fixtures record what the exporters send.
 */
export async function captureExports(kind: ExporterKind, send: (url: string) => Promise<unknown>): Promise<Buffer[]> {
  const bodies: Buffer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      bodies.push(req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw);
      const json = kind !== 'proto';
      res.writeHead(kind === 'zipkin' ? 202 : 200, { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json && kind !== 'zipkin' ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    await send(kind === 'zipkin' ? `http://127.0.0.1:${port}/api/v2/spans` : `http://127.0.0.1:${port}/v1/traces`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return bodies;
}

interface Tracers {
  frontend: Tracer;
  orders: Tracer;
  inventory: Tracer;
}

/** One incoming `GET /orders/:id` request across the three services. */
function emitRequest(t: Tracers, i: number, startMs: number, dbCalls: number): void {
  const clock = new Clock(startMs);
  const orderId = 1000 + i;
  const failing = i % 5 === 4;
  const status = failing ? 500 : 200;

  const server = startSpan(t.frontend, 'GET /orders/:id', ROOT_CONTEXT, clock, SpanKind.SERVER, {
    'http.request.method': 'GET',
    'http.route': '/orders/:id',
    'url.path': `/orders/${orderId}`,
    'url.scheme': 'http',
    'server.address': 'localhost',
    'server.port': 3000,
    'http.response.status_code': status,
    'code.function.name': 'OrdersController.getOrder',
    'code.file.path': 'src/frontend/ordersController.ts',
    'code.line.number': 42,
  });
  const client = startSpan(t.frontend, 'GET', ctxOf(server), clock, SpanKind.CLIENT, {
    'http.request.method': 'GET',
    'url.full': `http://orders:8080/api/orders/${orderId}`,
    'server.address': 'orders',
    'server.port': 8080,
    'http.response.status_code': status,
    'peer.service': 'orders',
  });
  const ordersServer = startSpan(t.orders, 'GET /api/orders/{id}', ctxOf(client), clock, SpanKind.SERVER, {
    'http.method': 'GET',
    'http.route': '/api/orders/{id}',
    'http.target': `/api/orders/${orderId}`,
    'http.status_code': status,
    'code.function': 'get_order',
    'code.namespace': 'orders.api',
    'code.filepath': 'orders/api.py',
    'code.lineno': 17,
    'request.tags': ['mobile', 'eu'],
    'request.retry': false,
    'request.weight': 0.25,
  });
  const load = startSpan(t.orders, 'OrderRepository.load', ctxOf(ordersServer), clock, SpanKind.INTERNAL, {
    'code.function.name': 'OrderRepository.load',
    'code.file.path': 'orders/repository.py',
    'code.line.number': 88,
    'order.id': orderId,
  });
  for (let q = 0; q < dbCalls; q++) {
    const db = startSpan(t.orders, 'SELECT shop.items', ctxOf(load), clock, SpanKind.CLIENT, {
      'db.system.name': 'postgresql',
      'db.namespace': 'shop',
      'db.query.text': 'SELECT * FROM items WHERE order_id = $1 AND position = $2',
      'db.operation.name': 'SELECT',
      'db.response.returned_rows': q + 1,
    });
    clock.tick(3_000 + q * 250);
    endSpan(db, clock);
  }
  if (failing) {
    load.recordException(
      { name: 'OrderNotFound', message: `order ${orderId} not found`, stack: `OrderNotFound: order ${orderId} not found\n    at load (orders/repository.py:91)` },
      clock.hr(),
    );
    load.setStatus({ code: SpanStatusCode.ERROR, message: `order ${orderId} not found` });
  }
  endSpan(load, clock);
  const publish = startSpan(t.orders, 'order-events publish', ctxOf(ordersServer), clock, SpanKind.PRODUCER, {
    'messaging.system': 'kafka',
    'messaging.destination.name': 'order-events',
    'messaging.operation.type': 'send',
  });
  clock.tick(800);
  endSpan(publish, clock);
  if (failing) {
    ordersServer.setStatus({ code: SpanStatusCode.ERROR });
  }
  endSpan(ordersServer, clock);
  if (failing) {
    client.setStatus({ code: SpanStatusCode.ERROR });
  }
  endSpan(client, clock);
  server.addEvent('response.sent', { 'http.response.body.size': 512 + i }, clock.hr());
  if (failing) {
    server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
  }
  endSpan(server, clock);

  // The consumer runs later in its own trace, linked to the producer.
  const links: Link[] = [{ context: publish.spanContext(), attributes: { 'messaging.message.id': `m-${orderId}` } }];
  const consume = t.inventory.startSpan(
    'order-events process',
    { kind: SpanKind.CONSUMER, startTime: clock.tick(5_000), links, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'order-events' } },
    ROOT_CONTEXT,
  );
  const reserve = startSpan(t.inventory, 'InventoryService.reserve', ctxOf(consume), clock, SpanKind.INTERNAL, {
    'code.function': 'reserve',
    'code.namespace': 'com.shop.inventory.InventoryService',
    'code.filepath': 'src/main/java/com/shop/inventory/InventoryService.java',
    'code.lineno': 57,
    'inventory.skus': [`sku-${orderId}`, `sku-${orderId + 1}`],
  });
  clock.tick(2_000);
  endSpan(reserve, clock);
  endSpan(consume, clock);
}

function startSpan(tracer: Tracer, name: string, parent: Context, clock: Clock, kind: SpanKind, attributes: Attributes): Span {
  return tracer.startSpan(name, { kind, attributes, startTime: clock.tick(150) }, parent);
}

function endSpan(span: Span, clock: Clock): void {
  span.end(clock.tick(120));
}

function ctxOf(span: Span): Context {
  return trace.setSpan(ROOT_CONTEXT, span);
}

/** Deterministic time in µs steps, handed to the SDK as [seconds, nanoseconds]. */
class Clock {
  private us: number;
  constructor(startMs: number) {
    this.us = startMs * 1000;
  }
  tick(us: number): [number, number] {
    this.us += us;
    return this.hr();
  }
  hr(): [number, number] {
    return [Math.floor(this.us / 1e6), (this.us % 1e6) * 1000];
  }
}

/** xorshift32-based ids: the same seed gives the same traces. */
class SeededIds implements IdGenerator {
  constructor(private state: number) {
    this.state = state >>> 0 || 1;
  }
  generateTraceId(): string {
    return this.hex(4);
  }
  generateSpanId(): string {
    return this.hex(2);
  }
  private hex(words: number): string {
    let out = '';
    for (let i = 0; i < words; i++) {
      let x = this.state;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.state = x >>> 0;
      out += this.state.toString(16).padStart(8, '0');
    }
    return out;
  }
}
