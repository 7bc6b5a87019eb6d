import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Context, SpanOptions, Tracer } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MatchResult } from '../../../src/mapping/index';
import type { EngineProcess } from '../../support/engineProcess';
import { FAST_TRACES, runEngineCli, startEngineProcess, waitFor } from '../../support/engineProcess';
import { makeExporter } from '../../support/otelSdk';
import { FIXTURES } from './support';

const WORKSPACE = path.join(FIXTURES, 'python-fastapi');

/**
 * What the FastAPI fixture's service would send when only some of its code runs: GET /api/users/{user_id} (with
 * the spans of get_user, UserService.load and UserRepository.find), GET /healthz, create_user found by the old
 * code.* attributes and UserService.create by the new ones under a span name that is not in the source.
 */
async function sendSomeTraffic(e: EngineProcess): Promise<number> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop', 'telemetry.sdk.language': 'python' }),
    spanProcessors: [new SimpleSpanProcessor(makeExporter('proto', `http://127.0.0.1:${e.state.otlpHttpPort}/v1/traces`))],
  });
  const fastapi = provider.getTracer('opentelemetry.instrumentation.fastapi', '0.48b0');
  const telemetry = provider.getTracer('shop.telemetry');
  const services = provider.getTracer('app.services.user_service');
  let spans = 0;
  /** A span under `parent`, ended after `inside` ran with its context. */
  const span = (tracer: Tracer, name: string, options: SpanOptions, parent: Context, inside: (ctx: Context) => void = () => undefined): void => {
    const s = tracer.startSpan(name, options, parent);
    inside(trace.setSpan(parent, s));
    s.end();
    spans++;
  };
  const server = (method: string, route: string): SpanOptions => ({
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': method, 'http.route': route, 'http.response.status_code': 200 },
  });
  span(fastapi, 'GET /api/users/{user_id}', server('GET', '/api/users/{user_id}'), ROOT_CONTEXT, (req) =>
    span(telemetry, 'users.fetch', {}, req, (fetch) => span(services, 'users.load', {}, fetch, (load) => span(services, 'db.users.find', {}, load))),
  );
  span(fastapi, 'GET /healthz', server('GET', '/healthz'), ROOT_CONTEXT);
  // Old conventions (opentelemetry-python before semconv 1.26) on a span the instrumentation names itself.
  span(fastapi, 'POST /api/users/', server('POST', '/api/users/'), ROOT_CONTEXT, (req) =>
    span(fastapi, 'create user', { attributes: { 'code.function': 'create_user', 'code.namespace': 'app.routers.users', 'code.filepath': '/srv/shop/app/routers/users.py', 'code.lineno': 16 } }, req),
  );
  // New conventions, on a span name the source does not hold.
  span(
    services,
    'persist',
    { attributes: { 'code.function.name': 'app.services.user_service.UserService.create', 'code.file.path': '/srv/shop/app/services/user_service.py', 'code.line.number': 21 } },
    ROOT_CONTEXT,
  );
  await provider.forceFlush();
  await provider.shutdown();
  return spans;
}

describe('mapping: spanlens-engine map against a running engine (never reached)', function () {
  this.timeout(90_000);
  let engine: EngineProcess | undefined;
  // The engine runs on the default storage of a home folder of its own, for `map --engine`.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-map-home-'));
  after(async () => {
    await engine?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('matches the engine code objects to the workspace and lists the instrumented functions with no data', async () => {
    const storage = path.join(home, '.spanlens');
    fs.mkdirSync(storage);
    engine = await startEngineProcess({ config: FAST_TRACES, storage });
    const e = engine;
    const sent = await sendSomeTraffic(e);
    await waitFor(async () => (await e.client.stats()).traces >= 4, 'the 4 traces assembled');
    assert.equal((await e.client.stats()).spansStored, sent);
    const ids = (await e.client.codeObjects()).codeObjects.map((c) => c.id);

    const json = await runEngineCli(['map', '--workspace', WORKSPACE, '--storage', e.storage, '--format', 'json'], { timeoutMs: 60_000 });
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { neverReached: string[]; match: MatchResult };
    assert.deepEqual(
      out.neverReached,
      ['app/main.py#app.main.root@12', 'app/routers/orders.py#app.routers.orders.get_order@8', 'app/routers/users.py#app.routers.users.avatar@20'],
      `code objects: ${ids.join(' ')}`,
    );
    assert.deepEqual(
      out.match.functions.map((f) => `${f.qualifiedName} ← ${f.matches.map((m) => `${m.codeObjectId} (${m.rule})`).join(', ')}`),
      [
        // A server span is both an endpoint and a span code object; code.* make fn: code objects.
        'app.routers.health.healthz ← endpoint:shop:GET /healthz (route), span:shop:opentelemetry.instrumentation.fastapi:GET /healthz (route)',
        'app.routers.users.get_user ← endpoint:shop:GET /api/users/{user_id} (route), span:shop:opentelemetry.instrumentation.fastapi:GET /api/users/{user_id} (route), span:shop:shop.telemetry:users.fetch (spanName)',
        'app.routers.users.create_user ← endpoint:shop:POST /api/users/ (route), fn:app.routers.users.create_user (code), span:shop:opentelemetry.instrumentation.fastapi:POST /api/users/ (route)',
        'app.services.user_service.UserRepository.find ← span:shop:app.services.user_service:db.users.find (spanName)',
        'app.services.user_service.UserService.load ← span:shop:app.services.user_service:users.load (spanName)',
        'app.services.user_service.UserService.create ← fn:app.services.user_service.UserService.create (code)',
      ],
    );
    // The spans named by the instrumentation, not the source: their functions are known through the fn: objects.
    assert.deepEqual([...out.match.unmatched].sort(), ['span:shop:app.services.user_service:persist', 'span:shop:opentelemetry.instrumentation.fastapi:create user']);
    assert.deepEqual(out.match.ambiguous, []);

    const text = await runEngineCli(['map', '--workspace', WORKSPACE, '--engine'], { timeoutMs: 60_000, env: { HOME: home } });
    assert.equal(text.code, 0, text.stderr);
    const tail = text.stdout.slice(text.stdout.indexOf('Never reached'));
    assert.equal(
      tail,
      [
        'Never reached (instrumented, no data): 3',
        '  app/main.py#app.main.root@12',
        '  app/routers/orders.py#app.routers.orders.get_order@8',
        '  app/routers/users.py#app.routers.users.avatar@20',
        '',
      ].join('\n'),
    );
  });
});
