import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { AssembledTrace, Resource, Span } from '../../../../src/engine/model';
import { InsightEngine } from '../../../../src/engine/insights/engine';
import { dbStatement, spanCodeObject } from '../../../../src/engine/insights/spanFacts';
import { MemoryReader } from '../memoryReader';
import type { PgCluster } from './pgCluster';
import { startPgCluster } from './pgCluster';
import { driveTraffic, REQUESTS, seed } from './traffic';

/** Spans from the child (JSON over IPC) → assembled traces with one shared Resource per service. */
function assemble(plain: Span[]): AssembledTrace[] {
  const resources = new Map<string, Resource>();
  const byTrace = new Map<string, Span[]>();
  for (const s of plain) {
    const r = resources.get(s.resource.serviceName) ?? s.resource;
    resources.set(r.serviceName, r);
    const span = { ...s, resource: r };
    byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), span]);
  }
  return [...byTrace].map(([traceId, spans]) => ({ traceId, spans, runId: 'e2e' }));
}

describe('insights end to end: a service instrumented with the real OpenTelemetry SDK, HTTP and PostgreSQL', function () {
  this.timeout(120_000);
  let pg: PgCluster | undefined;
  let child: ChildProcess | undefined;
  let spans: Span[] = [];

  before(async () => {
    pg = await startPgCluster();
    await seed(pg);
    child = fork(path.join(__dirname, 'sampleService.js'), [], {
      env: { ...process.env, PGPORT: String(pg.port), PGUSER: pg.user, PGDATABASE: 'postgres', OTEL_SEMCONV_STABILITY_OPT_IN: '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await driveTraffic(child);
    await new Promise((r) => setTimeout(r, 100)); // the last server span ends after the response
    spans = await new Promise<Span[]>((resolve) => {
      child!.once('message', (m: { type: string; spans: Span[] }) => resolve(m.spans));
      child!.send({ type: 'flush' });
    });
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.send({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
    }
    pg?.stop();
  });

  it('captured real HTTP server and pg client spans', () => {
    const scopes = new Set(spans.map((s) => s.scope.name));
    assert.ok(scopes.has('@opentelemetry/instrumentation-http'), [...scopes].join());
    assert.ok(scopes.has('@opentelemetry/instrumentation-pg'), [...scopes].join());
    assert.equal(new Set(spans.map((s) => s.traceId)).size, 4 * REQUESTS);
    assert.equal(spans.filter((s) => dbStatement(s) === 'SELECT name, price FROM products WHERE id = $1').length, 8 * REQUESTS);
  });

  it('raises nPlusOne and bottleneck on the planted spans and nothing of those on the clean endpoints', () => {
    const traces = assemble(spans);
    const engine = new InsightEngine();
    for (const t of traces) {
      engine.observeTrace(t);
    }
    const insights = engine.evaluate(new MemoryReader(traces), Date.now());
    assert.deepEqual(engine.lastFailures, []);
    const endpoints = new Set(traces.flatMap((t) => t.spans).filter((s) => s.kind === 2).map((s) => `endpoint:shop-e2e:${s.name}`));
    assert.deepEqual([...endpoints].sort(), ['endpoint:shop-e2e:GET /health', 'endpoint:shop-e2e:GET /orders/:id/items', 'endpoint:shop-e2e:GET /reports/slow', 'endpoint:shop-e2e:GET /users/:id']);

    const productQuery = spans.find((s) => dbStatement(s) === 'SELECT name, price FROM products WHERE id = $1')!;
    const nPlusOne = insights.filter((i) => i.type === 'nPlusOne');
    assert.deepEqual(nPlusOne.map((i) => i.codeObject).sort(), ['endpoint:shop-e2e:GET /orders/:id/items', spanCodeObject(productQuery)]);
    for (const i of nPlusOne) {
      assert.equal(i.figures.statement, 'SELECT name, price FROM products WHERE id = ?');
      assert.equal(i.figures.repeatsMedian, 8);
      assert.equal(i.status, 'active');
      // The queries repeat right under the HTTP server span of the endpoint.
      assert.equal(i.figures.parentCodeObject, 'span:shop-e2e:@opentelemetry/instrumentation-http:GET /orders/:id/items');
    }

    // The planted slow path is the bottleneck of its endpoint. On a loaded machine the N+1's queries
    // may also cover > 40 % of their endpoint (that is the N+1's cost): allowed, on that endpoint only.
    const bottleneck = insights.filter((i) => i.type === 'bottleneck');
    const described = JSON.stringify(bottleneck.map((i) => [i.codeObject, i.figures.endpointCodeObjects]));
    const report = bottleneck.find((i) => i.codeObject === 'span:shop-e2e:sample-service:buildReport');
    assert.ok(report, described);
    assert.deepEqual(report.figures.endpointCodeObjects, ['endpoint:shop-e2e:GET /reports/slow']);
    assert.ok((report.figures.shareP50 as number) > 0.8);
    for (const i of bottleneck.filter((b) => b !== report)) {
      assert.ok(i.codeObject.startsWith('span:shop-e2e:@opentelemetry/instrumentation-pg:'), described);
      assert.deepEqual(i.figures.endpointCodeObjects, ['endpoint:shop-e2e:GET /orders/:id/items'], described);
    }

    const clean = ['GET /users/:id', 'GET /health'];
    for (const i of [...nPlusOne, ...bottleneck]) {
      const where = [i.codeObject, ...((i.figures.endpointCodeObjects as string[] | undefined) ?? [])].join(' ');
      assert.ok(!clean.some((c) => where.includes(c)), `${i.type} on a clean endpoint: ${where}`);
    }
  });
});
