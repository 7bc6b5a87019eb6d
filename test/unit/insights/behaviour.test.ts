import * as assert from 'node:assert/strict';
import { neverReached } from '../../../src/engine/insights/neverReached';
import { parseStackFrames } from '../../../src/engine/insights/spanFacts';
import { SpanKind } from '../../../src/shared/semconv';
import type { AssembledTrace } from '../../../src/engine/model';
import { spread, TraceBuilder, traces } from '../../support/traceBuilder';
import { MemoryReader } from './memoryReader';
import { evaluate, ofType, T0, warnings } from './helpers';

/** Groups of `size` overlapping `job` executions; the k-th of a group (concurrency k) takes dur(k) ms. */
function concurrent(groups: number, size: number, dur: (k: number) => number): AssembledTrace[] {
  const out: AssembledTrace[] = [];
  for (let g = 0; g < groups; g++) {
    for (let k = 1; k <= size; k++) {
      const tb = new TraceBuilder({ startMs: T0 + g * 1000 + (k - 1) * 0.1 });
      tb.add('job', { durMs: dur(k) });
      out.push(tb.build());
    }
  }
  return out;
}

describe('insights/behaviour', () => {
  describe('scaling', () => {
    it('raises when duration doubles with concurrency, with the knee', () => {
      const { insights } = evaluate(concurrent(15, 4, (k) => 10 * (1 + 0.5 * (k - 1))));
      assert.deepEqual(warnings(insights), ['scaling span:shop:app:job']);
      const s = ofType(insights, 'scaling')[0];
      assert.deepEqual(s.figures.concurrency, [1, 2, 3, 4]);
      assert.deepEqual(s.figures.p50Ms, [10, 15, 20, 25]);
      assert.equal(s.figures.knee, 2);
      assert.ok((s.figures.spearman as number) >= 0.5);
    });
    it('does not raise at 1.9× (near miss)', () => {
      assert.deepEqual(warnings(evaluate(concurrent(15, 4, (k) => 10 * (1 + 0.3 * (k - 1)))).insights), []);
    });
    it('does not raise with only 2 buckets', () => {
      assert.deepEqual(warnings(evaluate(concurrent(30, 2, (k) => 10 * k * k)).insights), []);
    });
    it('does not raise with 9 samples in a bucket (near miss)', () => {
      assert.deepEqual(warnings(evaluate(concurrent(9, 4, (k) => 10 * k)).insights), []);
    });
  });

  describe('errors and errorHotspot', () => {
    const STACK = 'CardDeclined: declined\n    at chargeCard (/app/src/pay.js:42:11)\n    at async handler (/app/src/routes.js:10:3)';
    const pay = (failing: number, escaped: boolean) =>
      traces(100, (tb, i) => {
        const fail = spread(i, 100, failing);
        const root = tb.server('POST', '/pay', { durMs: 50, error: fail && escaped });
        const charge = root.child('chargeCard', { atMs: 5, durMs: 20 });
        if (fail) {
          charge.exception('CardDeclined', `card ${i} declined`, STACK);
        }
      });
    const now = T0 + 10 * 60_000;
    it('raises a hotspot for 20 % escaped errors on the span, the endpoint and its server span', () => {
      const { insights } = evaluate(pay(20, true), { now });
      assert.deepEqual(warnings(insights), [
        'errorHotspot endpoint:shop:POST /pay',
        'errorHotspot span:shop:@opentelemetry/instrumentation-http:POST /pay',
        'errorHotspot span:shop:app:chargeCard',
        'errors span:shop:@opentelemetry/instrumentation-http:POST /pay',
        'errors span:shop:app:chargeCard',
      ]);
      const h = ofType(insights, 'errorHotspot').find((i) => i.codeObject === 'span:shop:app:chargeCard')!;
      assert.ok((h.figures.score as number) >= 70);
      assert.equal(h.figures.errorRate, 0.2);
      assert.equal(h.figures.unhandled, 20);
      assert.deepEqual(h.figures.exceptionTypes, ['CardDeclined']);
      const e = ofType(insights, 'errors').find((i) => i.codeObject === 'span:shop:app:chargeCard')!;
      assert.equal(e.figures.count, 20);
      assert.deepEqual(e.stackFrames, [
        { function: 'chargeCard', file: '/app/src/pay.js', line: 42, column: 11 },
        { function: 'async handler', file: '/app/src/routes.js', line: 10, column: 3 },
      ]);
      assert.ok(e.sampleTraceIds.error);
    });
    it('raises only `errors` for 5 % handled errors (score below 70)', () => {
      assert.deepEqual(warnings(evaluate(pay(5, false), { now }).insights), ['errors span:shop:app:chargeCard']);
    });
    it('raises nothing without errors', () => {
      assert.deepEqual(warnings(evaluate(pay(0, false), { now }).insights), []);
    });
  });

  describe('stack frames', () => {
    it('parses Python, Java, .NET and Go traces', () => {
      assert.deepEqual(parseStackFrames('Traceback (most recent call last):\n  File "/app/svc.py", line 12, in handler\n    x()\nValueError: bad'), [
        { function: 'handler', file: '/app/svc.py', line: 12 },
      ]);
      assert.deepEqual(parseStackFrames('java.lang.IllegalStateException: x\n\tat com.shop.Pay.charge(Pay.java:42)'), [{ function: 'com.shop.Pay.charge', file: 'Pay.java', line: 42 }]);
      assert.deepEqual(parseStackFrames('System.Exception: x\n   at Shop.Pay.Charge() in /src/Pay.cs:line 7'), [{ function: 'Shop.Pay.Charge()', file: '/src/Pay.cs', line: 7 }]);
      assert.deepEqual(parseStackFrames('goroutine 1 [running]:\nmain.charge(0x1)\n\t/src/main.go:42 +0x1d'), [{ function: 'main.charge', file: '/src/main.go', line: 42 }]);
    });
  });

  describe('usage', () => {
    it('marks low (< 10 % of the service median) and high (> 3×) max calls per minute', () => {
      const rates: Record<string, number> = { '/a': 20, '/b': 20, '/c': 20, '/low': 1, '/lowish': 2, '/high': 61, '/highish': 60 };
      const all: AssembledTrace[] = [];
      for (const [route, r] of Object.entries(rates)) {
        all.push(...traces(r, (tb) => void tb.server('GET', route, { durMs: 5 }), { startMs: T0, everyMs: 59_000 / r }));
      }
      const { insights } = evaluate(all);
      const level = (route: string) => ofType(insights, 'usage').find((i) => i.codeObject === `endpoint:shop:GET ${route}`)!.figures.level;
      assert.deepEqual(
        Object.keys(rates).map((r) => [r, level(r)]),
        [['/a', 'normal'], ['/b', 'normal'], ['/c', 'normal'], ['/low', 'low'], ['/lowish', 'normal'], ['/high', 'high'], ['/highish', 'normal']],
      );
      assert.equal(ofType(insights, 'usage').find((i) => i.codeObject === 'endpoint:shop:GET /high')!.title, 'High usage: 61/min (max 61)');
    });
  });

  describe('callers', () => {
    const calls = (routes: string[]) =>
      traces(40, (tb, i) => {
        const route = routes[i < 30 ? 0 : routes.length - 1];
        tb.server('GET', route, { durMs: 20 }).child('loadUser', { atMs: 1, durMs: 5 });
      });
    it('lists the flows when a span is reached through ≥ 2', () => {
      const c = ofType(evaluate(calls(['/a', '/b'])).insights, 'callers');
      assert.deepEqual(
        c.map((i) => i.codeObject),
        ['span:shop:app:loadUser'],
      );
      assert.deepEqual(c[0].figures.flows, ['shop:GET /a → shop:loadUser', 'shop:GET /b → shop:loadUser']);
      assert.deepEqual(c[0].figures.flowShares, [0.75, 0.25]);
    });
    it('is not raised for a single flow', () => {
      assert.deepEqual(ofType(evaluate(calls(['/a'])).insights, 'callers'), []);
    });
  });

  describe('breakdown', () => {
    it('splits the request by kind (with self time) and by child', () => {
      const t = traces(10, (tb) => {
        const root = tb.server('GET', '/mix', { durMs: 100 });
        root.db('SELECT 1', { atMs: 0, durMs: 30 });
        root.httpCall('GET', 'http://api.example:80/x', { atMs: 30, durMs: 20 });
        root.child('render', { atMs: 50, durMs: 10 }).db('SELECT 2', { atMs: 2, durMs: 5 });
      });
      const b = ofType(evaluate(t).insights, 'breakdown');
      assert.equal(b.length, 1);
      assert.equal(b[0].codeObject, 'endpoint:shop:GET /mix');
      const f = b[0].figures;
      assert.deepEqual([f.dbShareP50, f.httpShareP50, f.internalShareP50, f.selfShareP50, f.messagingShareP50], [0.35, 0.2, 0.05, 0.4, 0]);
      assert.deepEqual(f.children, ['span:shop:@opentelemetry/instrumentation-pg:SELECT app', 'span:shop:@opentelemetry/instrumentation-http:GET', 'span:shop:app:render']);
      assert.deepEqual(f.childShareP50, [0.3, 0.2, 0.1]);
    });
  });

  describe('queueWait', () => {
    /** Producer in one trace, consumer in another linked to it, starting `waitMs` after the send ends. */
    const queued = (waitMs: number, consumeMs: number, viaParent = false) => {
      const out: AssembledTrace[] = [];
      for (let i = 0; i < 12; i++) {
        const start = T0 + i * 60_000;
        const p = new TraceBuilder({ startMs: start });
        const send = p.add('publish', { durMs: 2 }).child('orders send', { kind: SpanKind.PRODUCER, atMs: 1, durMs: 1 });
        const sendEndMs = start + 2;
        if (viaParent) {
          send.builder.consumer('orders', { atMs: 0, durMs: consumeMs });
          const c = p.spans[p.spans.length - 1];
          c.parentSpanId = send.span.spanId;
          c.startUs = (sendEndMs + waitMs) * 1000;
          c.endUs = c.startUs + consumeMs * 1000;
          out.push(p.build());
        } else {
          out.push(p.build());
          const c = new TraceBuilder({ startMs: sendEndMs + waitMs });
          c.consumer('orders', { durMs: consumeMs, links: [{ traceId: p.traceId, spanId: send.span.spanId }] });
          out.push(c.build());
        }
      }
      return out;
    };
    it('raises when the wait p95 is ≥ 1 s (producer via link, in another trace)', () => {
      const { insights } = evaluate(queued(2000, 100));
      assert.deepEqual(warnings(insights), ['queueWait consumer:shop:orders']);
      assert.equal(ofType(insights, 'queueWait')[0].figures.waitP95Ms, 2000);
    });
    it('raises when the wait is ≥ 50 % of end-to-end (producer as parent)', () => {
      const { insights } = evaluate(queued(60, 50, true));
      assert.deepEqual(warnings(insights), ['queueWait consumer:shop:orders']);
    });
    it('does not raise at 0.9 s and 47 % of end-to-end (near miss)', () => {
      assert.deepEqual(warnings(evaluate(queued(900, 1000)).insights), []);
    });
  });

  describe('neverReached', () => {
    it('lists instrumented keys without data', () => {
      const reader = new MemoryReader(traces(3, (tb) => void tb.add('job')));
      const n = neverReached(['span:shop:app:job', 'fn:app.unused', 'fn:app.unused'], reader, T0);
      assert.deepEqual(
        n.map((i) => [i.type, i.codeObject, i.status, i.scope]),
        [['neverReached', 'fn:app.unused', 'active', 'function']],
      );
      assert.deepEqual(neverReached(['span:shop:app:job'], reader, T0, { runId: 'other' }).map((i) => i.codeObject), ['span:shop:app:job']);
    });
  });
});
