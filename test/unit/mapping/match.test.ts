import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { CodeObject } from '../../../src/shared/api';
import type { DocumentMap, MatchResult } from '../../../src/mapping/index';
import { linkDocuments, mapWorkspace, matchCodeObjects } from '../../../src/mapping/index';
import { FIXTURES, mapper } from './support';

let n = 0;
function co(kind: CodeObject['kind'], name: string, extra: Partial<CodeObject> = {}): CodeObject {
  return { id: `co${++n}:${name}`, kind, service: 'shop', name, count: 1, errors: 0, firstSeen: 0, lastSeen: 0, ...extra };
}

/** code object id → `rule → function id`, or `ambiguous(rule): ids`, or `unmatched`. */
function outcome(result: MatchResult, objects: CodeObject[]): string[] {
  return objects.map((o) => {
    const hit = result.functions.find((f) => f.matches.some((m) => m.codeObjectId === o.id));
    if (hit) {
      return `${hit.matches.find((m) => m.codeObjectId === o.id)!.rule} → ${hit.functionId}`;
    }
    const amb = result.ambiguous.find((a) => a.codeObjectId === o.id);
    if (amb) {
      return `ambiguous(${amb.rule}): ${amb.candidates.join(', ')}`;
    }
    assert.ok(result.unmatched.includes(o.id));
    return 'unmatched';
  });
}

async function workspace(name: string): Promise<DocumentMap[]> {
  return (await mapWorkspace(await mapper(), path.join(FIXTURES, name))).documents;
}

async function docs(files: Record<string, string>): Promise<DocumentMap[]> {
  const m = await mapper();
  const parsed = await Promise.all(Object.entries(files).map(([p, text]) => m.parseDocument({ languageId: path.extname(p), text, path: p })));
  return linkDocuments(parsed);
}

describe('mapping: matchCodeObjects', function () {
  this.timeout(30_000);

  it('applies the rules in order on the FastAPI fixture: code.* > span literal > route > function name', async () => {
    const ws = await workspace('python-fastapi');
    const objects = [
      // code.* (old names, stored by the engine as code.filepath/lineno) beats the span literal "users.load".
      co('span', 'users.load', { scope: 'app.services.user_service', code: { filepath: '/srv/shop/app/routers/users.py', lineno: 12 } }),
      co('span', 'users.load', { scope: 'app.services.user_service' }),
      co('span', 'users.fetch', { scope: 'shop.telemetry' }),
      co('span', 'orders.get 8f3a', { scope: 'shop.telemetry' }),
      co('endpoint', 'GET /api/users/{user_id}'),
      co('span', 'GET /api/v1/orders/{order_id}', { scope: 'opentelemetry.instrumentation.fastapi' }),
      co('function', 'create_user'),
      // code.function + code.namespace, no file
      co('function', 'app.services.user_service.UserRepository.find', { code: { function: 'find', namespace: 'app.services.user_service.UserRepository' } }),
      co('span', 'users.fetch', { scope: 'some.other.library' }),
      co('endpoint', 'DELETE /api/users/{user_id}'),
    ];
    assert.deepEqual(outcome(matchCodeObjects(ws, objects), objects), [
      'code → app/routers/users.py#app.routers.users.get_user@9',
      'spanName → app/services/user_service.py#app.services.user_service.UserService.load@16',
      'spanName → app/routers/users.py#app.routers.users.get_user@9',
      'spanName → app/routers/orders.py#app.routers.orders.get_order@8',
      'route → app/routers/users.py#app.routers.users.get_user@9',
      'route → app/routers/orders.py#app.routers.orders.get_order@8',
      'functionName → app/routers/users.py#app.routers.users.create_user@15',
      'code → app/services/user_service.py#app.services.user_service.UserRepository.find@7',
      'unmatched',
      'unmatched',
    ]);
  });

  it('reads new code.* names and runtime-specific qualified names (Java, Go)', async () => {
    const java = await workspace('java-spring');
    const go = await workspace('go-chi');
    const objects = [
      // code.function.name holds the fully qualified name (new conventions)
      co('function', 'com.acme.shop.service.UserService.save', { code: { function: 'com.acme.shop.service.UserService.save' } }),
      co('span', 'UserController.get', { code: { function: 'get', namespace: 'com.acme.shop.web.UserController' } }),
      co('span', 'Audit.record', { code: { function: 'record', namespace: 'com.acme.shop.service.UserService$Audit' } }),
      co('span', 'UserService.load', { scope: 'io.opentelemetry.opentelemetry-instrumentation-annotations-1.16' }),
      co('function', 'GetOrder', { code: { function: 'github.com/acme/shop/internal/orders.(*Handler).GetOrder' } }),
      co('span', 'orders.get', { scope: 'github.com/acme/shop/internal/orders', code: { filepath: 'C:\\build\\shop\\internal\\orders\\handler.go', lineno: 18 } }),
      co('endpoint', 'GET /api/orders/{orderID}'),
    ];
    assert.deepEqual(outcome(matchCodeObjects([...java, ...go], objects), objects), [
      'code → src/main/java/com/acme/shop/service/UserService.java#com.acme.shop.service.UserService.save@21',
      'code → src/main/java/com/acme/shop/web/UserController.java#com.acme.shop.web.UserController.get@15',
      'code → src/main/java/com/acme/shop/service/UserService.java#com.acme.shop.service.UserService.Audit.record@27',
      'spanName → src/main/java/com/acme/shop/service/UserService.java#com.acme.shop.service.UserService.load@11',
      'code → internal/orders/handler.go#orders.Handler.GetOrder@16',
      'code → internal/orders/handler.go#orders.Handler.GetOrder@16',
      'route → internal/orders/handler.go#orders.Handler.GetOrder@16',
    ]);
  });

  it('reports the same span name in two places as ambiguous, unless the tracer name tells them apart', async () => {
    const ws = await docs({
      'billing/charge.py': `from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\n\ndef charge():\n    with tracer.start_as_current_span("db.query"):\n        pass\n`,
      'billing/refund.py': `from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\n\ndef refund():\n    with tracer.start_as_current_span("db.query"):\n        pass\n`,
      'web/index.ts': `const tracer = trace.getTracer('web');\nexport function load() { return tracer.startActiveSpan('page.load', (s) => s.end()); }\nexport function reload() { return tracer.startActiveSpan('page.load', (s) => s.end()); }\n`,
    });
    const objects = [co('span', 'db.query'), co('span', 'db.query', { scope: 'billing.refund' }), co('span', 'page.load', { scope: 'web' }), co('span', 'db.query', { scope: 'elsewhere' })];
    assert.deepEqual(outcome(matchCodeObjects(ws, objects), objects), [
      'ambiguous(spanName): billing/charge.py#billing.charge.charge@4, billing/refund.py#billing.refund.refund@4',
      'spanName → billing/refund.py#billing.refund.refund@4',
      'ambiguous(spanName): web/index.ts#load@2, web/index.ts#reload@3',
      'unmatched',
    ]);
  });

  it('matches routes across frameworks by canonical form, and a router mounted out of sight by suffix', async () => {
    const flask = await workspace('python-flask');
    const aspnet = await workspace('csharp-aspnet');
    const loose = await docs({
      'lib/items.js': `const express = require('express');\nconst router = express.Router();\nrouter.get('/items/:id', function getItem(req, res) {});\nmodule.exports = router;\n`,
    });
    const objects = [
      co('endpoint', 'GET /api/orders/<int:order_id>'),
      co('endpoint', 'DELETE /api/orders/{order_id}'),
      co('endpoint', 'GET api/Users/{id:int}'),
      co('endpoint', 'GET /api/orders/{id}'),
      co('endpoint', 'GET /healthz'),
      co('endpoint', 'GET /shop/v2/items/{id}'),
      co('endpoint', 'POST /shop/v2/items/{id}'),
    ];
    assert.deepEqual(outcome(matchCodeObjects([...flask, ...loose], objects), objects), [
      'route → shop/orders.py#shop.orders.order@8',
      'route → shop/orders.py#shop.orders.order@8',
      'unmatched',
      'route → shop/orders.py#shop.orders.order@8',
      'unmatched',
      'route → lib/items.js#getItem@3',
      'unmatched',
    ]);
    assert.deepEqual(outcome(matchCodeObjects(aspnet, objects), objects), [
      'route → Endpoints/OrderEndpoints.cs#Acme.Shop.Endpoints.OrderEndpoints.GetOrder@5',
      'unmatched',
      'route → Controllers/UsersController.cs#Acme.Shop.Controllers.UsersController.Get@14',
      'route → Endpoints/OrderEndpoints.cs#Acme.Shop.Endpoints.OrderEndpoints.GetOrder@5',
      'route → Program.cs#GET /healthz@6',
      'unmatched',
      'unmatched',
    ]);
    // Two services of one workspace serving the same route: reported, not guessed.
    assert.deepEqual(outcome(matchCodeObjects([...flask, ...aspnet], objects.slice(3, 4)), objects.slice(3, 4)), [
      'ambiguous(route): shop/orders.py#shop.orders.order@8, Endpoints/OrderEndpoints.cs#Acme.Shop.Endpoints.OrderEndpoints.GetOrder@5',
    ]);
  });

  it('code.* with a file the workspace does not have falls through to the next rules', async () => {
    const ws = await workspace('nestjs');
    const objects = [
      co('span', 'users.findOne', { scope: 'users-service', code: { filepath: '/other/project/billing.ts', lineno: 3 } }),
      co('function', 'findAll'),
    ];
    assert.deepEqual(outcome(matchCodeObjects(ws, objects), objects), [
      'spanName → src/users/users.service.ts#UsersService.findOne@15',
      'ambiguous(functionName): src/users/users.controller.ts#UsersController.findAll@9, src/users/users.service.ts#UsersService.findAll@8',
    ]);
  });
});
