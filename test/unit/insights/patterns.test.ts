import * as assert from 'node:assert/strict';
import { normalizeStatement } from '../../../src/engine/insights/spanFacts';
import { plantBottleneck, plantNPlusOne, plantWrappedBottleneck, spread, traces } from '../../support/traceBuilder';
import { evaluate, ofType, warnings } from './helpers';

const DB = 'span:shop:@opentelemetry/instrumentation-pg:SELECT app';
const ORDERS = 'endpoint:shop:GET /orders';

describe('insights/patterns', () => {
  describe('statement normalization', () => {
    it('replaces literals with ? and collapses IN lists and whitespace', () => {
      assert.equal(normalizeStatement("SELECT * FROM t WHERE id = 42 AND name = 'O''Brien'"), 'SELECT * FROM t WHERE id = ? AND name = ?');
      assert.equal(normalizeStatement('select a from t where id in (1, 2,3)  and x=-1.5e3'), 'select a from t where id in (?) and x=?');
      assert.equal(normalizeStatement('SELECT * FROM t2 WHERE v = $1 OR flag = TRUE OR h = 0xFF'), 'SELECT * FROM t2 WHERE v = ? OR flag = ? OR h = ?');
      assert.equal(normalizeStatement('UPDATE t SET a = :name WHERE b IS NULL'), 'UPDATE t SET a = ? WHERE b IS ?');
    });
  });

  describe('nPlusOne', () => {
    it('raises on 5 repeats in 10 % of traces, on the DB span and the endpoint', () => {
      const { insights } = evaluate(plantNPlusOne(100, 10, 5));
      assert.deepEqual(warnings(insights), [`nPlusOne ${ORDERS}`, `nPlusOne ${DB}`]);
      const ep = ofType(insights, 'nPlusOne').find((i) => i.codeObject === ORDERS)!;
      assert.equal(ep.figures.statement, "SELECT * FROM items WHERE order_id = ? AND status = ?");
      assert.equal(ep.figures.repeatsMedian, 5);
      assert.equal(ep.figures.tracesAffected, 10);
      assert.equal(ep.figures.traceShare, 0.1);
      assert.equal(ep.figures.parentCodeObject, 'span:shop:app:loadOrders');
      assert.equal(ep.figures.spanCodeObject, DB);
      assert.equal(ep.status, 'active');
      assert.equal(ep.scope, 'endpoint');
      assert.ok(ep.sampleTraceIds.slowest && ep.sampleTraceIds.median);
      assert.equal(ofType(insights, 'nPlusOne').find((i) => i.codeObject === DB)!.scope, 'span');
    });
    it('does not raise on 4 repeats (near miss)', () => {
      assert.deepEqual(warnings(evaluate(plantNPlusOne(100, 100, 4)).insights), []);
    });
    it('does not raise when 5 repeats appear in 9 % of traces (near miss)', () => {
      assert.deepEqual(warnings(evaluate(plantNPlusOne(100, 9, 5)).insights), []);
    });
    it('does not count repeats split across different parents', () => {
      const t = traces(20, (tb) => {
        const root = tb.server('GET', '/orders', { durMs: 60 });
        for (let p = 0; p < 3; p++) {
          const parent = root.child(`step${p}`, { atMs: p * 15, durMs: 14 });
          for (let j = 0; j < 3; j++) {
            parent.db(`SELECT * FROM items WHERE id = ${j}`, { atMs: j, durMs: 1 });
          }
        }
      });
      assert.deepEqual(warnings(evaluate(t).insights), []);
    });
    it('stays evaluating with fewer traces than minTracesForActive', () => {
      const { insights } = evaluate(plantNPlusOne(5, 5, 6));
      assert.ok(ofType(insights, 'nPlusOne').every((i) => i.status === 'evaluating'));
    });
    it('honours configured thresholds', () => {
      const { insights } = evaluate(plantNPlusOne(100, 100, 4), { config: { nPlusOne: { minRepeats: 4 } } });
      assert.deepEqual(warnings(insights), [`nPlusOne ${ORDERS}`, `nPlusOne ${DB}`]);
    });
  });

  describe('chattyApi', () => {
    const chatty = (repeats: number, n = 50) =>
      traces(n, (tb, i) => {
        const root = tb.server('GET', '/cart', { durMs: 80 });
        for (let j = 0; j < repeats; j++) {
          root.httpCall('GET', `http://prices.internal:8080/prices/${1000 + i * 10 + j}?currency=EUR`, { atMs: j * 5, durMs: 4 });
        }
      });
    it('raises on 5 calls to the same method + host + normalized path under one parent', () => {
      assert.deepEqual(warnings(evaluate(chatty(5)).insights), [
        'chattyApi endpoint:shop:GET /cart',
        'chattyApi span:shop:@opentelemetry/instrumentation-http:GET',
      ]);
      const i = ofType(evaluate(chatty(5)).insights, 'chattyApi')[0];
      assert.equal(i.figures.statement, 'GET prices.internal:8080 /prices/{id}');
    });
    it('does not raise on 4 calls (near miss)', () => {
      assert.deepEqual(warnings(evaluate(chatty(4)).insights), []);
    });
  });

  describe('highQueryCount', () => {
    // Three endpoints of one service: /light runs 2 queries, /medium `m`, /heavy `h` per request.
    const service = (h: number, m: number) =>
      traces(30, (tb, i) => {
        const [route, q] = [['/light', 2], ['/medium', m], ['/heavy', h]][i % 3] as [string, number];
        const root = tb.server('GET', route, { durMs: 200 });
        for (let j = 0; j < q; j++) {
          // Each query on its own parent and table, so no N+1 is planted.
          root.child(`step${j}`, { atMs: j * 4, durMs: 3 }).db(`SELECT * FROM t${j}`, { durMs: 1 });
        }
      });
    it('raises when the median is ≥ 10 and ≥ 2× the service median', () => {
      assert.deepEqual(warnings(evaluate(service(10, 5)).insights), ['highQueryCount endpoint:shop:GET /heavy']);
    });
    it('does not raise at 9 queries (near miss on the count)', () => {
      assert.deepEqual(warnings(evaluate(service(9, 4)).insights), []);
    });
    it('does not raise at 10 queries when typical is 6 (1.67×, near miss on the ratio)', () => {
      assert.deepEqual(warnings(evaluate(service(10, 6)).insights), []);
    });
  });

  describe('bottleneck', () => {
    const SPAN = 'span:shop:app:hashPassword';
    it('raises when a span takes > 40 % of the request in ≥ 20 % of requests', () => {
      const { insights } = evaluate(plantBottleneck(100, 21, 0.41));
      assert.deepEqual(warnings(insights), [`bottleneck ${SPAN}`]);
      const b = ofType(insights, 'bottleneck')[0];
      assert.deepEqual(b.figures.endpointCodeObjects, ['endpoint:shop:POST /token']);
      assert.equal(b.figures.requestsSlowedShare, 0.21);
      assert.equal(b.figures.avgDurationWhenBottleneckMs, 41);
      assert.equal(b.title, 'Bottleneck: 10% of POST /token');
    });
    it('does not raise at 39 % share (near miss)', () => {
      assert.deepEqual(warnings(evaluate(plantBottleneck(100, 100, 0.39)).insights), []);
    });
    it('does not raise in 19 % of requests (near miss)', () => {
      assert.deepEqual(warnings(evaluate(plantBottleneck(100, 19, 0.45)).insights), []);
    });
    describe('wrappers and entry spans', () => {
      const HANDLER = 'span:shop:@opentelemetry/instrumentation-express:request handler - /checkout';
      const PRICE = 'span:shop:app:priceCart';
      const CALL = 'span:shop:@opentelemetry/instrumentation-http:GET';
      it('raises on the deepest span holding the share, not on the handler and function around it', () => {
        const { insights } = evaluate(plantWrappedBottleneck(20, 0.41));
        assert.deepEqual(warnings(insights), [`bottleneck ${CALL}`]);
        assert.equal(ofType(insights, 'bottleneck')[0].figures.shareP50, 0.41);
      });
      it('raises on the function when the calls under it hold 39 % (near miss for the calls), not on the handler', () => {
        assert.deepEqual(warnings(evaluate(plantWrappedBottleneck(20, 0.39)).insights), [`bottleneck ${PRICE}`]);
      });
      it('raises on the function whose time is spread over many steps, none holding 40 %', () => {
        assert.deepEqual(warnings(evaluate(plantWrappedBottleneck(20, 0.9, { steps: 6 })).insights), [`bottleneck ${PRICE}`]);
      });
      it('never raises on an entry span inside the request (a second SERVER span of the same service)', () => {
        const { insights } = evaluate(plantWrappedBottleneck(20, 0.41, { entry: true }));
        assert.deepEqual(warnings(insights), [`bottleneck ${CALL}`]);
        assert.ok(!warnings(insights).includes(`bottleneck ${HANDLER}`));
      });
    });
    it('spreads affected requests evenly', () => {
      assert.equal(Array.from({ length: 100 }, (_, i) => spread(i, 100, 21)).filter(Boolean).length, 21);
    });
  });
});
