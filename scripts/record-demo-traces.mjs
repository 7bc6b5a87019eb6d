#!/usr/bin/env node
// Records the demo traces shipped in media/demo/ with the REAL OpenTelemetry JS SDK: a tracer
// provider, spans started and ended through the API (explicit, seeded timings so the output is
// reproducible), exported through an in-memory exporter and serialized by the SDK's own OTLP JSON
// serializer. The spans are shaped like what the demo services (demo/workspace) emit when run with
// the usual instrumentations: FastAPI + asyncpg for orders-api, http + express for checkout-service,
// plus the manual spans in the code; code.* attributes point into the demo workspace files.
//   node scripts/record-demo-traces.mjs [--out media/demo]
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'media/demo';
const WS = 'demo/workspace';
/** Where the services ran when "recorded": SpanLens maps these paths back into the workspace. */
const RECORDED_ROOT = '/home/dev/spanlens-demo';
/** Fixed clock so the files are reproducible; Load Demo Data shifts them to "now" on import. */
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

// ---- seeded randomness -------------------------------------------------------------------------
function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rand = mulberry32(7);
const between = (a, b) => a + (b - a) * rand();
/** Log-normal-ish duration around a median (ms). */
const around = (median, spread = 0.35) => median * Math.exp((rand() + rand() + rand() - 1.5) * spread * 2);
const hex = (n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const idGenerator = { generateTraceId: () => hex(32), generateSpanId: () => hex(16) };

// ---- where the code is -------------------------------------------------------------------------
function lineOf(file, needle) {
  const lines = readFileSync(join(WS, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not found in ${file}`);
  return i + 1;
}
/**
 * code.* attributes as instrumented code writes them: the Python service with the older conventions
 * (`code.function` + `code.namespace`, `code.filepath`, `code.lineno`), the TypeScript service with the
 * current ones (`code.function.name` fully qualified, `code.file.path`, `code.line.number`).
 */
function code(file, fn, namespace, needle) {
  const lineno = lineOf(file, needle);
  const filepath = `${RECORDED_ROOT}/${file}`;
  if (file.endsWith('.py')) {
    return { 'code.function': fn, 'code.namespace': namespace, 'code.filepath': filepath, 'code.lineno': lineno };
  }
  return { 'code.function.name': `${namespace}.${fn}`, 'code.file.path': filepath, 'code.line.number': lineno };
}

// ---- a tiny span-tree DSL over the real SDK --------------------------------------------------------
const toHr = (ms) => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/**
 * Records one span (and its children) with explicit times. `build(at)` returns children:
 * [{ name, kind, scope, attrs, start, dur, error, exception, children }]
 */
function record(provider, node, parentCtx) {
  const tracer = provider.getTracer(node.scope, node.scopeVersion);
  const span = tracer.startSpan(node.name, { kind: node.kind ?? SpanKind.INTERNAL, startTime: toHr(node.start), attributes: node.attrs ?? {} }, parentCtx);
  const ctx = trace.setSpan(parentCtx ?? context.active(), span);
  for (const c of node.children ?? []) record(provider, c, ctx);
  if (node.exception) {
    span.recordException({ name: node.exception.type, message: node.exception.message, stack: node.exception.stack }, toHr(node.start + node.dur * 0.9));
  }
  if (node.error) span.setStatus({ code: SpanStatusCode.ERROR, message: node.error });
  span.end(toHr(node.start + node.dur));
}

/** Children laid out one after another from `start`, with small gaps. */
function sequential(start, parts) {
  let t = start;
  return parts.map((p) => {
    t += between(0.05, 0.3);
    const n = { ...p, start: t };
    t += p.dur;
    return n;
  });
}
const endOf = (nodes, start) => (nodes.length ? Math.max(...nodes.map((n) => n.start + n.dur)) : start);

// ---- orders-api (Python, FastAPI + asyncpg) --------------------------------------------------------
const FASTAPI = 'opentelemetry.instrumentation.fastapi';
const ASYNCPG = 'opentelemetry.instrumentation.asyncpg';
const PY = 'python-api/app';

function db(statement, dur, table) {
  return {
    name: `${statement.split(' ')[0]} ${table}`,
    kind: SpanKind.CLIENT,
    scope: ASYNCPG,
    scopeVersion: '0.49b2',
    dur,
    attrs: { 'db.system': 'postgresql', 'db.name': 'orders', 'db.statement': statement, 'db.user': 'orders', 'net.peer.name': 'localhost', 'net.peer.port': 5432 },
  };
}

function server(method, route, path, start, children, status = 200, extra = {}) {
  const end = endOf(children, start) + between(0.2, 1.2);
  return {
    name: `${method} ${route}`,
    kind: SpanKind.SERVER,
    scope: FASTAPI,
    scopeVersion: '0.49b2',
    start,
    dur: end - start,
    error: status >= 500 ? `HTTP ${status}` : undefined,
    attrs: { 'http.request.method': method, 'http.method': method, 'http.route': route, 'url.path': path, 'http.target': path, 'url.scheme': 'http', 'server.address': '127.0.0.1', 'server.port': 8000, 'http.response.status_code': status, 'http.status_code': status, 'user_agent.original': 'python-httpx/0.27.2' },
    children,
    ...extra,
  };
}

function ordersTrace(version, start) {
  const r = rand();
  const userId = 1 + Math.floor(rand() * 500);
  if (r < 0.35) {
    // GET /users/{user_id}/orders — v1.5.0 introduced one query per order (N+1)
    const orders = 8 + Math.floor(rand() * 9);
    const queries =
      version === '1.4.0'
        ? [db('SELECT o.id, o.total, i.sku, i.qty FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.user_id = $1', around(9), 'orders')]
        : [db('SELECT id, total FROM orders WHERE user_id = $1', around(3), 'orders'), ...Array.from({ length: orders }, () => db('SELECT sku, qty FROM order_items WHERE order_id = $1', around(4.5), 'order_items'))];
    const inner = { name: 'load_orders', scope: 'app.repository', dur: 0, attrs: code(`${PY}/repository.py`, 'list_orders', 'app.repository.OrderRepository', 'async def list_orders') };
    const s0 = start + between(0.3, 0.8);
    inner.children = sequential(s0, queries);
    inner.start = s0;
    inner.dur = endOf(inner.children, s0) - s0 + between(0.2, 0.6);
    return server('GET', '/users/{user_id}/orders', `/users/${userId}/orders`, start, [inner]);
  }
  if (r < 0.55) {
    // POST /token — bcrypt dominates (bottleneck)
    const s0 = start + between(0.3, 0.8);
    const find = { name: 'find_user', scope: 'app.repository', dur: 0, attrs: code(`${PY}/repository.py`, 'find_user', 'app.repository.OrderRepository', 'async def find_user') };
    find.start = s0 + 0.2;
    find.children = [{ ...db('SELECT id, password_hash FROM users WHERE name = $1', around(2.5), 'users'), start: find.start + 0.1 }];
    find.dur = endOf(find.children, find.start) - find.start + 0.2;
    const verify = { name: 'verify_password', scope: 'app.auth', start: find.start + find.dur + 0.1, dur: around(rand() < 0.3 ? 60 : 240, 0.2), attrs: code(`${PY}/auth.py`, 'verify_password', 'app.auth', 'def verify_password') };
    const issue = { name: 'issue_token', scope: 'app.auth', start: s0, dur: verify.start + verify.dur + 0.3 - s0, attrs: code(`${PY}/auth.py`, 'issue_token', 'app.auth', 'async def issue_token'), children: [find, verify] };
    return server('POST', '/token', '/token', start, [issue]);
  }
  if (r < 0.75) {
    // GET /reports/{report_id} — KeyError when a report has no region
    const reportId = 1 + Math.floor(rand() * 250);
    const fails = rand() < 0.12;
    const s0 = start + between(0.3, 0.8);
    const node = { name: 'build_report', scope: 'app.reports', start: s0, dur: around(6), attrs: code(`${PY}/reports.py`, 'build_report', 'app.reports', 'async def build_report') };
    if (fails) {
      const stack = [
        'Traceback (most recent call last):',
        `  File "${RECORDED_ROOT}/${PY}/main.py", line ${lineOf(`${PY}/main.py`, 'return await reports.build_report')}, in get_report`,
        '    return await reports.build_report(report_id)',
        `  File "${RECORDED_ROOT}/${PY}/reports.py", line ${lineOf(`${PY}/reports.py`, 'return summarize(report)')}, in build_report`,
        '    return summarize(report)',
        `  File "${RECORDED_ROOT}/${PY}/reports.py", line ${lineOf(`${PY}/reports.py`, 'report["region"].upper()')}, in summarize`,
        '    return {"id": report["id"], "rows": report["rows"], "region": report["region"].upper()}',
        "KeyError: 'region'",
      ].join('\n');
      node.error = "KeyError: 'region'";
      node.exception = { type: 'KeyError', message: "'region'", stack };
    }
    return server('GET', '/reports/{report_id}', `/reports/${reportId}`, start, [node], fails ? 500 : 200);
  }
  return server('GET', '/health', '/health', start, []);
}

// ---- checkout-service (TypeScript, http + express) -----------------------------------------------
const HTTP = '@opentelemetry/instrumentation-http';
const EXPRESS = '@opentelemetry/instrumentation-express';
const TS = 'ts-service/src';

function tsServer(method, route, path, start, children, status = 200, extra = {}) {
  const end = endOf(children, start) + between(0.3, 1.5);
  return {
    name: `${method} ${route}`,
    kind: SpanKind.SERVER,
    scope: HTTP,
    scopeVersion: '0.57.2',
    start,
    dur: end - start,
    attrs: { 'http.method': method, 'http.route': route, 'http.target': path, 'http.url': `http://localhost:3000${path}`, 'http.scheme': 'http', 'http.status_code': status, 'net.host.name': 'localhost', 'net.host.port': 3000, 'http.flavor': '1.1' },
    children,
    ...extra,
  };
}

function handlerSpan(route, start, dur, children, attrs = {}) {
  return { name: `request handler - ${route}`, scope: EXPRESS, scopeVersion: '0.47.1', start, dur, attrs: { 'http.route': route, 'express.name': route, 'express.type': 'request_handler', ...attrs }, children };
}

function checkoutTrace(version, start) {
  const r = rand();
  if (r < 0.55) {
    // POST /checkout — one pricing call per item (chatty API); some carts without coupon crash
    const items = 5 + Math.floor(rand() * 5);
    const calls = Array.from({ length: items }, (_, k) => {
      const sku = `SKU-${1000 + Math.floor(rand() * 50)}`;
      return { name: 'GET', kind: SpanKind.CLIENT, scope: HTTP, scopeVersion: '0.57.2', dur: around(11), attrs: { 'http.method': 'GET', 'http.url': `http://pricing.internal:8080/prices/${sku}`, 'http.target': `/prices/${sku}`, 'net.peer.name': 'pricing.internal', 'net.peer.port': 8080, 'http.status_code': 200, 'http.flavor': '1.1', 'item.index': k } };
    });
    const s0 = start + between(0.5, 1);
    const price = { name: 'price_cart', scope: 'checkout-service.pricing', start: s0 + 0.3, dur: 0, attrs: code(`${TS}/pricing.ts`, 'priceCart', 'pricing', 'export async function priceCart') };
    price.children = sequential(price.start, calls);
    price.dur = endOf(price.children, price.start) - price.start + 0.2;
    const fails = rand() < 0.07;
    const handler = handlerSpan('/checkout', s0, price.start + price.dur + 0.4 - s0, [price], code(`${TS}/server.ts`, 'checkout', 'server', 'export async function checkout'));
    if (fails) {
      const stack = [
        "TypeError: Cannot read properties of undefined (reading 'code')",
        `    at checkout (${RECORDED_ROOT}/${TS}/server.ts:${lineOf(`${TS}/server.ts`, 'body.coupon!.code')}:38)`,
        '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      ].join('\n');
      handler.error = "Cannot read properties of undefined (reading 'code')";
      handler.exception = { type: 'TypeError', message: "Cannot read properties of undefined (reading 'code')", stack };
    }
    return tsServer('POST', '/checkout', '/checkout', start, [handler], fails ? 500 : 200, fails ? { error: 'HTTP 500' } : {});
  }
  // GET /inventory/:sku — warehouse SKUs take a slow full scan (long tail; worse in 2.3.0)
  const warehouse = rand() < (version === '2.2.0' ? 0.03 : 0.1);
  const sku = warehouse ? `W-${100 + Math.floor(rand() * 20)}` : `SKU-${1000 + Math.floor(rand() * 50)}`;
  const s0 = start + between(0.5, 1);
  const statement = warehouse ? 'SELECT sku, sum(qty) FROM stock_moves WHERE sku = $1 GROUP BY sku' : 'SELECT sku, qty FROM stock WHERE sku = $1';
  const q = { name: 'pg.query:SELECT shop', kind: SpanKind.CLIENT, scope: '@opentelemetry/instrumentation-pg', scopeVersion: '0.51.0', start: s0 + 0.6, dur: warehouse ? around(1100, 0.25) : around(18), attrs: { 'db.system': 'postgresql', 'db.name': 'shop', 'db.statement': statement, 'db.user': 'shop', 'net.peer.name': 'localhost', 'net.peer.port': 5432 } };
  const lookup = { name: 'inventory.lookup', scope: 'checkout-service.inventory', start: s0 + 0.3, dur: q.start + q.dur + 0.3 - (s0 + 0.3), attrs: code(`${TS}/inventory.ts`, 'lookupStock', 'inventory', 'export async function lookupStock'), children: [q] };
  const handler = handlerSpan('/inventory/:sku', s0, lookup.start + lookup.dur + 0.3 - s0, [lookup], code(`${TS}/server.ts`, 'getInventory', 'server', 'export async function getInventory'));
  return tsServer('GET', '/inventory/:sku', `/inventory/${sku}`, start, [handler]);
}

// ---- runs ----------------------------------------------------------------------------------------
const RUNS = [
  { service: 'orders-api', version: '1.4.0', lang: 'python', from: T0 - 3 * 3600_000, traces: 420, make: ordersTrace, revision: '8c1f2e4' },
  { service: 'orders-api', version: '1.5.0', lang: 'python', from: T0 - 50 * 60_000, traces: 420, make: ordersTrace, revision: 'e93b7a0' },
  { service: 'checkout-service', version: '2.2.0', lang: 'nodejs', from: T0 - 3 * 3600_000, traces: 300, make: checkoutTrace, revision: '41d09c2' },
  { service: 'checkout-service', version: '2.3.0', lang: 'nodejs', from: T0 - 50 * 60_000, traces: 300, make: checkoutTrace, revision: 'a77e5b1' },
];

mkdirSync(out, { recursive: true });
let total = 0;
for (const [k, run] of RUNS.entries()) {
  rand = mulberry32(1000 + k);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    idGenerator,
    resource: resourceFromAttributes({
      'service.name': run.service,
      'service.version': run.version,
      'service.namespace': 'spanlens-demo',
      'deployment.environment.name': 'dev',
      'vcs.ref.head.revision': run.revision,
      'process.runtime.name': run.lang === 'python' ? 'cpython' : 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': 'nodejs',
      'spanlens.demo.recorded_by': 'scripts/record-demo-traces.mjs',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 128 },
  });
  // 45 minutes of traffic, with a little concurrency.
  for (let i = 0; i < run.traces; i++) {
    const start = run.from + (i / run.traces) * 45 * 60_000 + between(0, 500);
    record(provider, run.make(run.version, start));
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  const json = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
  const file = join(out, `${run.service}-${run.version}.json`);
  writeFileSync(file, `${json}\n`);
  total += spans.length;
  console.log(`${file}: ${spans.length} spans in ${run.traces} traces (${(json.length / 1024).toFixed(0)} KiB)`);
  await provider.shutdown();
}
console.log(`${total} spans recorded`);
