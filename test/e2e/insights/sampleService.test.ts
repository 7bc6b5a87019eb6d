/**
 * Insights end to end: a shop service instrumented with the real OpenTelemetry JS SDK and its real
 * HTTP and PostgreSQL auto-instrumentations (PostgreSQL from Debian, started by the test) exports
 * with the real OTLP/HTTP exporter to the real engine process on loopback; the engine's query API
 * must then show `nPlusOne` and `bottleneck` on the planted spans and neither on the clean endpoints.
 */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { Insight } from '../../../src/shared/api';
import type { EngineProcess } from '../../support/engineProcess';
import { FAST_TRACES, startEngineProcess, waitFor } from '../../support/engineProcess';
import type { PgCluster } from './pgCluster';
import { startPgCluster } from './pgCluster';
import { driveTraffic, REQUESTS, seed } from './traffic';

const ENDPOINTS = ['GET /health', 'GET /orders/:id/items', 'GET /reports/slow', 'GET /users/:id'].map((e) => `endpoint:shop-e2e:${e}`);
/** Span code objects of the pg instrumentation (its span names depend on the semantic conventions in use). */
const PG = 'span:shop-e2e:@opentelemetry/instrumentation-pg:';
const BUILD_REPORT = 'span:shop-e2e:sample-service:buildReport';

describe('insights end to end: an SDK-instrumented service (HTTP + PostgreSQL) exporting to the running engine', function () {
  this.timeout(150_000);
  let pg: PgCluster | undefined;
  let engine: EngineProcess | undefined;
  let child: ChildProcess | undefined;
  let insights: Insight[] = [];

  before(async () => {
    [pg, engine] = await Promise.all([startPgCluster(), startEngineProcess({ config: { engine: FAST_TRACES } })]);
    await seed(pg);
    child = fork(path.join(__dirname, 'sampleService.js'), [], {
      env: {
        ...process.env,
        PGPORT: String(pg.port),
        PGUSER: pg.user,
        PGDATABASE: 'postgres',
        OTEL_SEMCONV_STABILITY_OPT_IN: '',
        OTLP_ENDPOINT: `http://127.0.0.1:${engine.state.otlpHttpPort}/v1/traces`,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await driveTraffic(child);
    // Stopping the service shuts its SDK down, which exports every span still queued.
    const exited = new Promise<number | null>((r) => child!.once('exit', r));
    child.send({ type: 'stop' });
    assert.equal(await exited, 0);
    // Every request of every endpoint assembled and analysed: each endpoint's breakdown counts them all.
    const e = engine;
    await waitFor(
      async () => {
        insights = (await e.client.insights({ fresh: true, limit: 10_000 })).insights;
        return ENDPOINTS.every((ep) => insights.some((i) => i.type === 'breakdown' && i.codeObject === ep && i.figures.requests === REQUESTS));
      },
      'the engine to analyse every request',
      60_000,
    );
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
    }
    await engine?.stop();
    engine?.cleanup();
    pg?.stop();
  });

  it('stored the real HTTP server and pg client spans it received over OTLP', async () => {
    const cos = (await engine!.client.codeObjects({ service: 'shop-e2e', limit: 10_000 })).codeObjects.map((c) => c.id);
    assert.deepEqual(ENDPOINTS.filter((ep) => !cos.includes(ep)), []);
    assert.ok(cos.some((c) => c.startsWith(PG)), cos.join('\n'));
    assert.ok(cos.includes(BUILD_REPORT), cos.join('\n'));
    const stats = await engine!.client.codeObjectStats('endpoint:shop-e2e:GET /orders/:id/items');
    assert.equal(stats.count, REQUESTS);
  });

  it('raises nPlusOne on the repeated product query and its endpoint, with the statement and 8 repeats', () => {
    const nPlusOne = insights.filter((i) => i.type === 'nPlusOne');
    const onSpan = nPlusOne.filter((i) => i.codeObject.startsWith('span:'));
    assert.equal(onSpan.length, 1, JSON.stringify(nPlusOne.map((i) => i.codeObject)));
    assert.ok(onSpan[0].codeObject.startsWith(PG), onSpan[0].codeObject);
    assert.deepEqual(nPlusOne.map((i) => i.codeObject).sort(), ['endpoint:shop-e2e:GET /orders/:id/items', onSpan[0].codeObject]);
    for (const i of nPlusOne) {
      assert.equal(i.figures.statement, 'SELECT name, price FROM products WHERE id = ?');
      assert.equal(i.figures.repeatsMedian, 8);
      assert.equal(i.status, 'active');
      // The queries repeat right under the HTTP server span of the endpoint.
      assert.equal(i.figures.parentCodeObject, 'span:shop-e2e:@opentelemetry/instrumentation-http:GET /orders/:id/items');
    }
  });

  it('raises bottleneck on the planted slow span, and nothing of either type on the clean endpoints', () => {
    const bottleneck = insights.filter((i) => i.type === 'bottleneck');
    const described = JSON.stringify(bottleneck.map((i) => [i.codeObject, i.figures.endpointCodeObjects, i.figures.shareP50]));
    const report = bottleneck.find((i) => i.codeObject === BUILD_REPORT);
    assert.ok(report, described);
    assert.deepEqual(report.figures.endpointCodeObjects, ['endpoint:shop-e2e:GET /reports/slow']);
    assert.ok((report.figures.shareP50 as number) > 0.8, described);
    assert.equal(report.status, 'active');
    // The N+1's queries may cover > 40 % of their endpoint on a loaded machine (that is the N+1's
    // cost): allowed there only. The server spans themselves are never the bottleneck.
    for (const i of bottleneck.filter((b) => b !== report)) {
      assert.ok(i.codeObject.startsWith(PG), described);
      assert.deepEqual(i.figures.endpointCodeObjects, ['endpoint:shop-e2e:GET /orders/:id/items'], described);
    }
    const clean = ['GET /users/:id', 'GET /health'];
    for (const i of insights.filter((x) => x.type === 'nPlusOne' || x.type === 'bottleneck')) {
      const where = [i.codeObject, ...((i.figures.endpointCodeObjects as string[] | undefined) ?? [])].join(' ');
      assert.ok(!clean.some((c) => where.includes(c)), `${i.type} on a clean endpoint: ${where}`);
    }
  });
});
