/**
 * A small shop service instrumented the usual way: the real OpenTelemetry JS SDK with the real
 * HTTP and PostgreSQL auto-instrumentations, plus one manual span. Runs as a child process of the
 * end-to-end test (env PGPORT, PGUSER, OTLP_ENDPOINT optional); with OTLP_ENDPOINT it exports OTLP/HTTP
 * protobuf there, else it keeps finished spans in memory and sends them to the parent over IPC.
 *
 * Endpoints: GET /orders/:id/items (planted N+1: one query per item), GET /reports/slow (planted slow
 * path inside the `buildReport` span), and the clean GET /users/:id and GET /health.
 */
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type * as HttpModule from 'node:http';
import type * as PgModule from 'pg';

export const SERVICE = 'shop-e2e';
export const TRACER = 'sample-service';

const memory = new InMemorySpanExporter();
const otlp = process.env.OTLP_ENDPOINT ? new OTLPTraceExporter({ url: process.env.OTLP_ENDPOINT }) : undefined;
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': SERVICE, 'service.version': process.env.SERVICE_VERSION ?? '1.0.0' }),
  spanProcessors: [otlp ? new BatchSpanProcessor(otlp, { scheduledDelayMillis: 200 }) : new SimpleSpanProcessor(memory)],
});
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new PgInstrumentation()] });

/** The engine's span model, as plain JSON (the parent restores shared Resource objects). */
function toPlain(s: ReadableSpan) {
  const us = (t: [number, number]) => t[0] * 1e6 + Math.round(t[1] / 1e3);
  return {
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    name: s.name,
    kind: s.kind + 1, // SDK enum (INTERNAL = 0) → OTLP numbering (INTERNAL = 1)
    startUs: us(s.startTime),
    endUs: us(s.endTime),
    statusCode: s.status.code,
    statusMessage: s.status.message,
    attributes: s.attributes,
    events: s.events.map((e) => ({ name: e.name, timeUs: us(e.time), attributes: e.attributes ?? {} })),
    links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: l.attributes ?? {} })),
    resource: { serviceName: String(s.resource.attributes['service.name']), attributes: s.resource.attributes },
    scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a web framework's instrumentation does: name the server span after the matched route. */
function setRoute(route: string): void {
  const md = getRPCMetadata(context.active());
  if (md?.type === RPCType.HTTP) {
    md.route = route;
  }
}

async function main(): Promise<void> {
  // Loaded after the instrumentations are registered, as an instrumented app does, through
  // require: the instrumentations hook the CommonJS loader, which `import()` of a built-in bypasses.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const http = require('node:http') as typeof HttpModule;
  const { Pool } = require('pg') as typeof PgModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const pool = new Pool({ host: '127.0.0.1', port: Number(process.env.PGPORT), user: process.env.PGUSER, database: process.env.PGDATABASE ?? 'postgres', max: 4 });
  const tracer = trace.getTracer(TRACER);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const handle = async (): Promise<void> => {
      let m: RegExpExecArray | null;
      if ((m = /^\/orders\/(\d+)\/items$/.exec(url.pathname))) {
        setRoute('/orders/:id/items');
        // Planted N+1: the items of an order, then one query per item for its product.
        const items = await pool.query('SELECT product_id, qty FROM order_items WHERE order_id = $1 ORDER BY product_id', [Number(m[1])]);
        const out = [];
        for (const it of items.rows) {
          const p = await pool.query('SELECT name, price FROM products WHERE id = $1', [it.product_id]);
          out.push({ ...p.rows[0], qty: it.qty });
        }
        await sleep(40); // rendering: keeps the queries' share of the request modest
        send(200, out);
      } else if (url.pathname === '/reports/slow') {
        setRoute('/reports/slow');
        // Planted slow path: buildReport waits far longer than anything else in the request.
        const report = await tracer.startActiveSpan('buildReport', async (span) => {
          try {
            const r = await pool.query('SELECT count(*)::int AS n FROM orders');
            await sleep(150);
            return r.rows[0];
          } finally {
            span.end();
          }
        });
        send(200, report);
      } else if ((m = /^\/users\/(\d+)$/.exec(url.pathname))) {
        setRoute('/users/:id');
        const u = await pool.query('SELECT id, name FROM users WHERE id = $1', [Number(m[1])]);
        await sleep(40); // business logic of a healthy endpoint: the query is a small part of it
        send(u.rows.length ? 200 : 404, u.rows[0] ?? {});
      } else if (url.pathname === '/health') {
        setRoute('/health');
        send(200, { ok: true });
      } else {
        send(404, {});
      }
    };
    handle().catch((e: Error) => send(500, { error: e.message }));
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'ready', port: (server.address() as { port: number }).port });
  });
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'flush') {
      void provider.forceFlush().then(() => {
        process.send?.({ type: 'spans', spans: memory.getFinishedSpans().map(toPlain) });
        memory.reset();
      });
    } else if (msg.type === 'stop') {
      server.close();
      void pool.end().then(() => provider.shutdown()).then(() => process.exit(0));
    }
  });
}

main().catch((e: Error) => {
  process.stderr.write(`sample service failed: ${e.stack}\n`);
  process.exit(1);
});
