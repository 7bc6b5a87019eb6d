import * as assert from 'node:assert/strict';
import type { AssemblerOptions, BufferedSpan } from '../../../src/engine/assembler';
import { STRATUM_FLOOR, TraceAssembler } from '../../../src/engine/assembler';
import { silentLogger } from '../../../src/engine/logger';
import type { AssembledTrace } from '../../../src/engine/model';
import { hex, resource, span } from './spanFixtures';

const svc = resource('shop');
const scope = { name: 'shop' };
const opts: AssemblerOptions = { traceIdleMs: 100, traceOrphanIdleMs: 1000, lateWindowMs: 5000, maxBufferedSpans: 1000, maxSpansPerTrace: 50 };

/** A rooted trace of `n` spans (root + n-1 children), as buffered items. */
function trace(n: number, traceId = hex(16), rootCodeObject?: number): BufferedSpan[] {
  const root = span(svc, scope, { traceId, name: 'GET /', kind: 2, startMs: 1000, durMs: 10 });
  const kids = Array.from({ length: n - 1 }, (_, i) => span(svc, scope, { traceId, parent: root.spanId, name: `q${i}`, startMs: 1001 + i, durMs: 1 }));
  return [root, ...kids].map((s) => ({ span: s, run: 'r', codeObjects: s === root && rootCodeObject !== undefined ? [rootCodeObject] : [], startsSegment: s === root }));
}

function make(over: Partial<AssemblerOptions> = {}) {
  const emitted: AssembledTrace[] = [];
  const a = new TraceAssembler({ ...opts, ...over }, () => undefined, silentLogger);
  a.addObserver({ observeTrace: (t) => emitted.push(t) });
  return { a, emitted };
}

describe('trace assembler', () => {
  it('hands a trace on once it is quiet, and again with the superset when a late span joins', () => {
    const { a, emitted } = make();
    const items = trace(4);
    a.add(items.slice(0, 3), 0);
    a.sweep(50);
    assert.equal(emitted.length, 0, 'not quiet yet');
    a.sweep(100);
    assert.deepEqual(emitted.map((t) => t.spans.length), [3]);
    a.add(items.slice(3), 200);
    a.sweep(250);
    assert.equal(emitted.length, 1);
    a.sweep(300);
    assert.deepEqual(emitted.map((t) => t.spans.length), [3, 4]);
    assert.equal(a.bufferedSpans, 4);
    a.sweep(300 + 5000);
    assert.equal(a.bufferedSpans, 0, 'forgotten after the late window');
    assert.equal(a.bufferedTraces, 0);
  });

  it('over the cap forgets handed-on traces first and hands on pending ones (in the sweep) only when needed', () => {
    const { a, emitted } = make({ maxBufferedSpans: 30 });
    const first = trace(10);
    a.add(first, 0);
    a.sweep(100); // handed on, kept for late spans
    assert.equal(emitted.length, 1);
    const second = trace(10);
    const third = trace(10);
    a.add(second, 150);
    a.add(third, 160);
    assert.equal(a.bufferedSpans, 30);
    a.add(trace(10), 170);
    // The handed-on trace went, nothing pending was handed on early.
    assert.equal(emitted.length, 1);
    assert.equal(a.get(first[0].span.traceId), undefined);
    assert.equal(a.bufferedSpans, 30);
    assert.equal(a.tracesEvicted, 0);
    a.add(trace(10), 180);
    // Adding never runs the observers: over the cap, the next sweep hands the oldest pending trace
    // on early (whole) and forgets it.
    assert.equal(emitted.length, 1);
    assert.equal(a.overCap, true);
    assert.equal(a.sweep(181), false);
    assert.equal(a.overCap, false);
    assert.deepEqual(emitted.map((t) => t.traceId), [first[0].span.traceId, second[0].span.traceId]);
    assert.equal(emitted[1].spans.length, 10);
    assert.equal(a.tracesEvicted, 1);
    assert.equal(a.bufferedSpans, 30);
  });

  it('sweeps in slices: with no time left it stops and says there is more, and resumes where it was', () => {
    const { a, emitted } = make({ maxBufferedSpans: 100_000 });
    for (let i = 0; i < 200; i++) {
      a.add(trace(3), 0);
    }
    const more = a.sweep(1000, -1);
    assert.equal(more, true);
    assert.ok(emitted.length >= 16 && emitted.length < 200, String(emitted.length));
    while (a.sweep(1000, -1)) {
      // keep going
    }
    assert.equal(emitted.length, 200);
    assert.equal(new Set(emitted.map((t) => t.traceId)).size, 200);
  });

  it('ignores duplicate spans and caps the spans of one trace', () => {
    const { a, emitted } = make({ maxSpansPerTrace: 5 });
    const items = trace(8);
    a.add([...items.slice(0, 3), ...items.slice(0, 3)], 0);
    a.add(items.slice(3), 10);
    a.sweep(200);
    assert.equal(emitted.length, 1);
    assert.equal(emitted[0].spans.length, 5);
    assert.equal(a.spansDropped, 3);
  });

  it('a rate-bounded observer sees every trace below its rate, and a same-answer sample above it', () => {
    const all: string[] = [];
    const sampled: string[] = [];
    const a = new TraceAssembler({ ...opts, maxBufferedSpans: 1_000_000, traceIdleMs: 0 }, () => undefined, silentLogger);
    a.addObserver({ observeTrace: (t) => all.push(t.traceId) });
    a.addObserver({ observeTrace: (t) => sampled.push(t.traceId) }, { tracesPerSecond: 100 });
    // Second 1: 50 traces (under the limit). Seconds 2–4: 1,000 traces each.
    const at = (sec: number, n: number) => {
      for (let i = 0; i < n; i++) {
        a.add(trace(2), sec * 1000);
      }
      // A sweep works in time slices: on a busy machine one call may not get through 1,000 traces.
      while (a.sweep(sec * 1000 + 10)) {
        // next slice
      }
    };
    at(1, 50);
    assert.equal(sampled.length, 50);
    at(2, 1000);
    at(3, 1000);
    at(4, 1000);
    assert.equal(all.length, 3050);
    const late = sampled.length - 50;
    // Bounded: the burst guard and the per-second fraction keep it near the limit.
    assert.ok(late <= 3 * 250, `observed ${late} of 3,000 traces over 3 s with a limit of 100/s`);
    assert.ok(late >= 3 * 25, `observed ${late}`);
    assert.ok(a.observerFractions[1] < 1 && a.observerFractions[0] === 1);
    // Deterministic by trace id: every sampled trace id has low bits under the final fraction's bound or was seen earlier.
    const lowBits = (id: string) => parseInt(id.slice(-4), 16);
    const bound = a.observerFractions[1] * 65536;
    const fromLastSecond = sampled.slice(-10);
    assert.ok(fromLastSecond.every((id) => lowBits(id) < bound * 2), 'sampled by the trace id\'s low bits');
  });

  it('a sampling observer still sees the first traces per second of each kind of trace', () => {
    const sampled = new Map<string, number>();
    const kindOf = new Map<string, number>();
    const a = new TraceAssembler({ ...opts, maxBufferedSpans: 1_000_000, traceIdleMs: 0 }, () => undefined, silentLogger);
    a.addObserver({ observeTrace: (t) => sampled.set(t.traceId, kindOf.get(t.traceId)!) }, { tracesPerSecond: 100 });
    const seen = (kind: number) => [...sampled.values()].filter((k) => k === kind).length;
    // Each second: 2,000 traces of a busy endpoint (code object 1) and 2 of a rare one (code object 2).
    for (let sec = 1; sec <= 4; sec++) {
      for (let i = 0; i < 2000; i++) {
        const items = trace(2, hex(16), i % 1000 === 0 ? 2 : 1);
        kindOf.set(items[0].span.traceId, items[0].codeObjects[0]);
        a.add(items, sec * 1000);
      }
      while (a.sweep(sec * 1000 + 10)) {
        // next slice
      }
    }
    assert.ok(a.observerFractions[0] < 1, 'sampling is on');
    assert.equal(seen(2), 8, 'every trace of the rare endpoint (2 per second)');
    // The busy one is sampled, its first traces of each second included; the total stays bounded.
    assert.ok(seen(1) >= 3 * STRATUM_FLOOR && seen(1) < 4 * 250, `busy endpoint: ${seen(1)} of 8,000`);
  });
});
