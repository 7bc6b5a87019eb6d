import * as assert from 'node:assert/strict';
import { fallbackMapDocument, functionAtLine, matchCodeObjects, normalizeRoute } from '../../../src/providers/codeMap';
import { NEVER_REACHED_TITLE, figuresLensTitle, functionData, insightLensTitle, pickPrimary, planLenses } from '../../../src/providers/lensModel';
import type { CodeObject, CodeObjectStats, Insight } from '../../../src/shared/api';

const PY = `from fastapi import APIRouter
from opentelemetry import trace

tracer = trace.get_tracer(__name__)
router = APIRouter()


class UserRepository:
    def list_orders(self, user_id):
        with tracer.start_as_current_span("load_orders"):
            return []

    def unused(self):
        with tracer.start_as_current_span("archive_orders"):
            pass


@router.get("/users/{user_id}/orders")
async def get_orders(user_id: int):
    repo = UserRepository()
    return repo.list_orders(user_id)


def helper():
    return 1
`;

const TS = `import express from 'express';
import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('checkout');
export const app = express();

export async function priceCart(items: string[]): Promise<number> {
  return tracer.startActiveSpan('price_cart', async (span) => {
    span.end();
    return items.length;
  });
}

class Checkout {
  async submit(id: string) {
    if (id) {
      return priceCart([id]);
    }
  }
}

const handler = async (req: express.Request, res: express.Response) => {
  res.json(await priceCart([]));
};
app.post('/checkout/:cartId', handler);
`;

function co(p: Partial<CodeObject> & Pick<CodeObject, 'id' | 'kind' | 'name'>): CodeObject {
  return { service: 'api', count: 100, errors: 0, firstSeen: 0, lastSeen: 0, ...p };
}

function insight(p: Partial<Insight> & Pick<Insight, 'id' | 'type' | 'severity' | 'codeObject' | 'title'>): Insight {
  return { scope: 'span', service: 'api', detail: 'detail', figures: {}, sampleTraceIds: {}, firstSeen: 0, lastSeen: 0, status: 'active', ...p };
}

const stats = (p95: number, errorRate: number, rate: number): CodeObjectStats => ({
  codeObject: co({ id: 'x', kind: 'span', name: 'x' }),
  count: 2000,
  errors: 42,
  errorRate,
  ratePerMin: { mean: rate, max: rate * 2 },
  durationMs: { mean: 300, p50: 210, p75: 400, p95, p99: 1500, max: 2000 },
  histogram: { bounds: [1, 10, 100, 1000], counts: [0, 1, 5, 2] },
  series: [],
});

describe('fallback mapper', () => {
  it('finds Python functions, methods, routes and span literals with qualified names', () => {
    const map = fallbackMapDocument({ languageId: 'python', text: PY, path: 'app/users.py' });
    const byName = Object.fromEntries(map.functions.map((f) => [f.name, f]));
    assert.deepEqual(map.functions.map((f) => f.qualifiedName), ['app.users.UserRepository.list_orders', 'app.users.UserRepository.unused', 'app.users.get_orders', 'app.users.helper']);
    assert.deepEqual(byName.list_orders.spanNames, ['load_orders']);
    assert.deepEqual(byName.get_orders.routes, [{ method: 'GET', path: '/users/{user_id}/orders' }]);
    assert.equal(byName.get_orders.line, 18);
    assert.equal(byName.get_orders.endLine, 20);
    assert.equal(byName.get_orders.nameColumn, 10);
    assert.equal(functionAtLine(map, 19)?.name, 'get_orders');
    assert.equal(functionAtLine(map, 6), undefined);
  });

  it('finds TS functions, methods, arrow handlers and Express routes', () => {
    const map = fallbackMapDocument({ languageId: 'typescript', text: TS, path: 'src/checkout.ts' });
    const byName = Object.fromEntries(map.functions.map((f) => [f.name, f]));
    assert.deepEqual(Object.keys(byName).sort(), ['handler', 'priceCart', 'submit']);
    assert.deepEqual(byName.priceCart.spanNames, ['price_cart']);
    assert.equal(byName.priceCart.endLine, 11);
    assert.equal(byName.submit.qualifiedName, 'src.checkout.Checkout.submit');
    assert.deepEqual(byName.handler.routes, [{ method: 'POST', path: '/checkout/:cartId' }]);
  });

  it('treats FastAPI and Express path parameters alike', () => {
    assert.equal(normalizeRoute('/users/{user_id}/orders/'), normalizeRoute('/users/:id/orders'));
  });
});

describe('matching code objects to functions', () => {
  const map = fallbackMapDocument({ languageId: 'python', text: PY, path: 'app/users.py' });
  const idx = (name: string) => map.functions.findIndex((f) => f.name === name);

  it('uses code.* attributes, then span literals, then routes', () => {
    const objects = [
      co({ id: 'fn:app.users.helper', kind: 'function', name: 'app.users.helper', code: { function: 'helper', filepath: '/srv/app/users.py', lineno: 24 } }),
      co({ id: 'span:api:app.users:load_orders', kind: 'span', name: 'load_orders' }),
      co({ id: 'endpoint:api:GET /users/{user_id}/orders', kind: 'endpoint', name: 'GET /users/{user_id}/orders' }),
      co({ id: 'span:api:x:elsewhere', kind: 'span', name: 'elsewhere' }),
      co({ id: 'fn:other.helper', kind: 'function', name: 'other.helper', code: { function: 'helper', filepath: 'other/file.py' } }),
    ];
    const m = matchCodeObjects(map, objects);
    assert.deepEqual(m.get(idx('helper'))?.map((c) => c.id), ['fn:app.users.helper']);
    assert.deepEqual(m.get(idx('list_orders'))?.map((c) => c.id), ['span:api:app.users:load_orders']);
    assert.deepEqual(m.get(idx('get_orders'))?.map((c) => c.id), ['endpoint:api:GET /users/{user_id}/orders']);
    assert.equal(m.get(idx('unused')), undefined);
  });

  it('does not guess when a span name is in two functions', () => {
    const twice = fallbackMapDocument({ languageId: 'python', text: 'def a():\n    with t.start_as_current_span("q"):\n        pass\ndef b():\n    with t.start_as_current_span("q"):\n        pass\n', path: 'm.py' });
    assert.equal(matchCodeObjects(twice, [co({ id: 'span:api:m:q', kind: 'span', name: 'q' })]).size, 0);
  });
});

describe('CodeLens plan and titles', () => {
  const map = fallbackMapDocument({ languageId: 'python', text: PY, path: 'app/users.py' });
  const objects = [
    co({ id: 'endpoint:api:GET /users/{user_id}/orders', kind: 'endpoint', name: 'GET /users/{user_id}/orders', count: 50 }),
    co({ id: 'span:api:app.users:load_orders', kind: 'span', name: 'load_orders', count: 600 }),
  ];
  const insights = [
    insight({ id: 'n1', type: 'nPlusOne', severity: 'high', codeObject: 'span:api:app.users:load_orders', title: 'N+1 queries (12×)' }),
    insight({ id: 'bn', type: 'bottleneck', severity: 'critical', codeObject: 'span:api:app.users:load_orders', title: 'Bottleneck: 68% of GET /users/{user_id}/orders' }),
    insight({ id: 'lt', type: 'longTail', severity: 'low', codeObject: 'span:api:app.users:load_orders', title: 'Long tail' }),
    insight({ id: 'du', type: 'duration', severity: 'info', codeObject: 'span:api:app.users:load_orders', title: 'p95 1 s' }),
    insight({ id: 'sl', type: 'slowEndpoint', severity: 'medium', codeObject: 'endpoint:api:GET /users/{user_id}/orders', title: 'Slow endpoint', status: 'possibly-fixed' }),
  ];
  const data = functionData(map, objects, insights);
  const plans = planLenses(data, { minSeverity: 'medium', maxInsightLenses: 2, engineHasData: true });

  it('puts the most severe insights first, then the figures lens, and skips fixed or descriptive ones', () => {
    const lo = plans.filter((p) => p.fn.name === 'list_orders');
    assert.deepEqual(lo.map((p) => (p.kind === 'insight' ? p.insight.id : p.kind)), ['bn', 'n1', 'figures']);
    const go = plans.filter((p) => p.fn.name === 'get_orders');
    assert.deepEqual(go.map((p) => p.kind), ['figures']);
    assert.equal(go[0].line, 18);
  });

  it('shows "Never reached" on instrumented code without data only once the engine has data', () => {
    assert.deepEqual(plans.filter((p) => p.kind === 'neverReached').map((p) => p.fn.name), ['unused']);
    const before = planLenses(data, { minSeverity: 'medium', maxInsightLenses: 2, engineHasData: false });
    assert.equal(before.filter((p) => p.kind === 'neverReached').length, 0);
    assert.ok(!plans.some((p) => p.fn.name === 'helper'), 'uninstrumented code without data gets no lens');
  });

  it('honours the minimum severity', () => {
    const onlyCritical = planLenses(data, { minSeverity: 'critical', maxInsightLenses: 2, engineHasData: true });
    assert.deepEqual(onlyCritical.filter((p) => p.kind === 'insight').map((p) => (p.kind === 'insight' ? p.insight.id : '')), ['bn']);
    const low = planLenses(data, { minSeverity: 'low', maxInsightLenses: 5, engineHasData: true });
    assert.deepEqual(low.filter((p) => p.kind === 'insight').map((p) => (p.kind === 'insight' ? p.insight.id : '')), ['bn', 'n1', 'lt']);
  });

  it('prefers endpoints as the primary code object', () => {
    assert.equal(pickPrimary(objects)?.kind, 'endpoint');
  });

  it('titles lenses from insights and statistics', () => {
    assert.equal(insightLensTitle(insights[0]), '$(warning) N+1 queries (12×)');
    assert.equal(insightLensTitle({ ...insights[1], status: 'regression' }), '$(error) Bottleneck: 68% of GET /users/{user_id}/orders (regression)');
    assert.equal(figuresLensTitle(stats(812, 0.021, 34), 'p95 ${p95} · ${errorRate} errors · ${rate}/min'), '$(pulse) p95 812 ms · 2.1% errors · 34/min');
    assert.match(NEVER_REACHED_TITLE, /Never reached/);
  });
});

describe('insight attribution', () => {
  it('shows an insight on the function owning a code object its figures name, once per title', () => {
    const map = fallbackMapDocument({ languageId: 'python', text: PY, path: 'app/users.py' });
    const objects = [co({ id: 'span:api:app.users:load_orders', kind: 'span', name: 'load_orders' }), co({ id: 'endpoint:api:GET /users/{user_id}/orders', kind: 'endpoint', name: 'GET /users/{user_id}/orders' })];
    const onDbSpan = insight({ id: 'n1-span', type: 'nPlusOne', severity: 'high', codeObject: 'span:api:asyncpg:SELECT order_items', title: 'N+1 queries (12×)', figures: { parentCodeObject: 'span:api:app.users:load_orders' } });
    const onEndpoint = insight({ id: 'n1-ep', type: 'nPlusOne', severity: 'high', codeObject: 'endpoint:api:GET /users/{user_id}/orders', title: 'N+1 queries (12×)', figures: { spanCodeObject: 'span:api:asyncpg:SELECT order_items', relatedCodeObjects: ['span:api:app.users:load_orders'] } });
    const data = functionData(map, objects, [onDbSpan, onEndpoint]);
    const byName = Object.fromEntries(data.map((d) => [d.fn.name, d.insights.map((i) => i.id).sort()]));
    assert.deepEqual(byName.list_orders, ['n1-ep', 'n1-span']);
    assert.deepEqual(byName.get_orders, ['n1-ep']);
    const plans = planLenses(data, { minSeverity: 'medium', maxInsightLenses: 2, engineHasData: true });
    assert.equal(plans.filter((p) => p.fn.name === 'list_orders' && p.kind === 'insight').length, 1, 'same title once');
  });
});
