// A workload made with the real OpenTelemetry JS SDK for the query bench: one service whose
// endpoints call into 200 functions of one source file (code.function.name / code.file.path /
// code.line.number on every span), so the file has 200 code objects with data.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } = require('@opentelemetry/api');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

export const FILE_PATH = 'app/services/catalog.py';
export const FUNCTIONS = 200;

/**
 * Finished SDK spans: `traces` requests, each a SERVER span plus `perTrace - 1` calls into the
 * file's functions (a different slice of the 200 each time; every 7th call fails).
 */
export async function fileWorkloadSpans({ traces, perTrace = 10, startMs = Date.now() - 10 * 60_000 }) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'catalog', 'service.version': '2.0.0', 'telemetry.sdk.language': 'python' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('catalog-instrumentation', '1.0.0');
  let call = 0;
  for (let t = 0; t < traces; t++) {
    let us = (startMs + t * 5) * 1000;
    const hr = () => [Math.floor(us / 1e6), (us % 1e6) * 1000];
    const route = `/catalog/items/{id}/v${t % 20}`;
    const root = tracer.startSpan(`GET ${route}`, { kind: SpanKind.SERVER, startTime: hr(), attributes: { 'http.request.method': 'GET', 'http.route': route, 'http.response.status_code': 200 } }, ROOT_CONTEXT);
    const ctx = trace.setSpan(ROOT_CONTEXT, root);
    for (let k = 1; k < perTrace; k++) {
      const fn = call++ % FUNCTIONS;
      us += 100;
      const span = tracer.startSpan(`catalog.fn_${fn}`, {
        kind: SpanKind.INTERNAL,
        startTime: hr(),
        attributes: { 'code.function.name': `catalog.fn_${fn}`, 'code.file.path': FILE_PATH, 'code.line.number': 10 + fn * 20, 'item.index': k },
      }, ctx);
      us += 200 + ((fn * 37 + t) % 50) * 40;
      if (call % 7 === 0) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'lookup failed' });
      }
      span.end(hr());
    }
    us += 50;
    root.end(hr());
  }
  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  return spans;
}
