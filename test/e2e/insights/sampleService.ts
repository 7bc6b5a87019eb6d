/**
 * A small shop service instrumented the usual way: the real OpenTelemetry JS SDK with the real
 * HTTP and PostgreSQL auto-instrumentations, plus one manual span, exporting OTLP/HTTP protobuf with
 * the SDK's batch processor to OTLP_ENDPOINT (the engine). Runs as a child process of the end-to-end
 * test (env PGPORT, PGUSER, OTLP_ENDPOINT); IPC `stop` ends it after flushing every span.
 *
 * Endpoints: GET /orders/:id/items (planted N+1: one query per item), GET /reports/slow (planted slow
 * path: `buildReport` waits SLOW_MS, far longer than anything else), and the clean GET /users/:id and
 * GET /health.
 */
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type * as HttpModule from 'node:http';
import type * as PgModule from 'pg';

export const SERVICE = 'shop-e2e';
export const TRACER = 'sample-service';

/** The planted slow path (ms): clearly slower than the rest of the request even on a loaded machine. */
export const SLOW_MS = 250;
/** What a clean endpoint does besides its one query (ms): the query stays a small part of it. */
export const LOGIC_MS = 100;

if (!process.env.OTLP_ENDPOINT) {
  throw new Error('OTLP_ENDPOINT (the engine OTLP/HTTP traces URL) is required');
}
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': SERVICE, 'service.version': process.env.SERVICE_VERSION ?? '1.0.0' }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: process.env.OTLP_ENDPOINT }), { scheduledDelayMillis: 200 })],
});
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new PgInstrumentation()] });

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
            await sleep(SLOW_MS);
            return r.rows[0];
          } finally {
            span.end();
          }
        });
        send(200, report);
      } else if ((m = /^\/users\/(\d+)$/.exec(url.pathname))) {
        setRoute('/users/:id');
        const u = await pool.query('SELECT id, name FROM users WHERE id = $1', [Number(m[1])]);
        await sleep(LOGIC_MS); // business logic of a healthy endpoint: the query is a small part of it
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
    if (msg.type === 'stop') {
      // Shutting the provider down exports every span still queued, then the parent sees the exit.
      server.close();
      void pool.end().then(() => provider.shutdown()).then(() => process.exit(0));
    }
  });
}

main().catch((e: Error) => {
  process.stderr.write(`sample service failed: ${e.stack}\n`);
  process.exit(1);
});
