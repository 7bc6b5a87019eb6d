/**
 * What the store does with each trace the assembler hands on: the self time of its spans (their
 * duration minus the time covered by their children) into the aggregates, and exemplar sampling.
 * A trace handed on again with late spans gets the self time of the new spans, and the spans
 * whose children arrived late get theirs recounted (the old value taken back), so self time does
 * not depend on how the spans were split into batches.
 */
import type { TraceSpanDto } from '../../shared/api';
import { StatusCode } from '../../shared/semconv';
import type { BufferedSpan, TraceBuffer } from '../assembler';
import { union, unionLength } from '../intervals';
import type { Span } from '../model';
import type { AggregateTable } from './aggregateTable';
import type { ExemplarSampler } from './exemplars';
import type { Registry } from './registry';

/** Duration minus the time covered by its children (clipped to the span), in ms. */
export function selfTimeMs(span: Span, children: Span[] | undefined): number {
  const dur = Math.max(0, span.endUs - span.startUs);
  if (!children || children.length === 0) {
    return dur / 1000;
  }
  const covered = unionLength(children.map((c) => [c.startUs, c.endUs] as const), span.startUs, span.endUs);
  return Math.max(0, dur - covered) / 1000;
}

export function traceSpanDto(i: BufferedSpan, registry: Registry): TraceSpanDto {
  const s = i.span;
  const dto: TraceSpanDto = {
    traceId: s.traceId,
    spanId: s.spanId,
    name: s.name,
    kind: s.kind,
    service: s.resource.serviceName,
    scope: s.scope.name,
    startUs: s.startUs,
    durationUs: Math.max(0, s.endUs - s.startUs),
    status: s.statusMessage ? { code: s.statusCode, message: s.statusMessage } : { code: s.statusCode },
    attributes: s.attributes,
    events: s.events.map((e) => ({ name: e.name, timeUs: e.timeUs, attributes: e.attributes })),
    codeObjects: i.codeObjects.map((no) => registry.byNo.get(no)?.ref.key).filter((k): k is string => k !== undefined),
  };
  if (s.parentSpanId) {
    dto.parentSpanId = s.parentSpanId;
  }
  return dto;
}

/**
 * The children of each span of a trace as linked lists of indexes into `items` (`head[i]` the first
 * child of span i, `next[c]` the next sibling of child c; -1 ends), in arrays reused from trace to
 * trace (the hook runs synchronously, one trace at a time): no per-parent arrays.
 */
let head = new Int32Array(256);
let next = new Int32Array(256);

/** Traces up to this many spans find a parent by a scan instead of a Map of ids. */
const SMALL_TRACE = 16;

/** Index of the span with id `id` in `items`, -1 when absent. */
type IndexOf = (id: string) => number;

function family(items: BufferedSpan[]): IndexOf {
  const n = items.length;
  if (head.length < n) {
    head = new Int32Array(n * 2);
    next = new Int32Array(n * 2);
  }
  head.fill(-1, 0, n);
  next.fill(-1, 0, n);
  let indexOf: IndexOf;
  if (n <= SMALL_TRACE) {
    indexOf = (id) => {
      for (let i = 0; i < n; i++) {
        if (items[i].span.spanId === id) {
          return i;
        }
      }
      return -1;
    };
  } else {
    const index = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      index.set(items[i].span.spanId, i);
    }
    indexOf = (id) => index.get(id) ?? -1;
  }
  // Backwards, so each list is in arrival order.
  for (let i = n - 1; i >= 0; i--) {
    const p = items[i].span.parentSpanId;
    const pi = p ? indexOf(p) : -1;
    if (pi >= 0) {
      next[i] = head[pi];
      head[pi] = i;
    }
  }
  return indexOf;
}

/** `selfTimeMs` of `items[i]` with its children from the last `family` call. */
function selfTimeAt(items: BufferedSpan[], i: number): number {
  const s = items[i].span;
  const dur = Math.max(0, s.endUs - s.startUs);
  let c = head[i];
  if (c < 0) {
    return dur / 1000;
  }
  let covered: number;
  if (next[c] < 0) {
    const k = items[c].span;
    covered = Math.max(0, Math.min(k.endUs, s.endUs) - Math.max(k.startUs, s.startUs));
  } else {
    union.begin(s.startUs, s.endUs);
    for (; c >= 0; c = next[c]) {
      union.add(items[c].span.startUs, items[c].span.endUs);
    }
    covered = union.length();
  }
  return Math.max(0, dur - covered) / 1000;
}

/**
 * Each code object's exemplar candidate in the trace being handed on (its longest call, an error
 * preferred), in reused arrays: `bestCount` entries in first-seen order.
 */
let bestCo = new Float64Array(64);
let bestDuration = new Float64Array(64);
let bestT = new Float64Array(64);
let bestError = new Uint8Array(64);
let bestCount = 0;
/** Slots by code object, once a trace has more than a few (a scan serves the rest). */
let bestSlots: Map<number, number> | undefined;

function resetBest(): void {
  bestCount = 0;
  bestSlots = undefined;
}

function noteBest(co: number, durationMs: number, error: boolean, t: number): void {
  let b = 0;
  if (bestSlots) {
    b = bestSlots.get(co) ?? bestCount;
  } else {
    while (b < bestCount && bestCo[b] !== co) {
      b++;
    }
  }
  if (b === bestCount) {
    if (bestCount === 32) {
      bestSlots = new Map(Array.from({ length: bestCount }, (_, k) => [bestCo[k], k]));
    }
    bestSlots?.set(co, b);
    if (b === bestCo.length) {
      const grow = <A extends Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
        const bigger = make(a.length * 2);
        bigger.set(a);
        return bigger;
      };
      bestCo = grow(bestCo, (k) => new Float64Array(k));
      bestDuration = grow(bestDuration, (k) => new Float64Array(k));
      bestT = grow(bestT, (k) => new Float64Array(k));
      bestError = grow(bestError, (k) => new Uint8Array(k));
    }
    bestCount++;
    bestCo[b] = co;
    bestDuration[b] = durationMs;
    bestError[b] = error ? 1 : 0;
    bestT[b] = t;
  } else if (durationMs > bestDuration[b] || (error && bestError[b] === 0)) {
    bestDuration[b] = Math.max(durationMs, bestDuration[b]);
    bestError[b] = error || bestError[b] === 1 ? 1 : 0;
    bestT[b] = t;
  }
}

/**
 * Self time and exemplars of a trace handed on (again). Returns true when it is the first time
 * any of its spans are counted (a new trace).
 */
export function onTraceAssembled(t: TraceBuffer, registry: Registry, aggs: AggregateTable, exemplars: ExemplarSampler): boolean {
  const items = t.items;
  const n = items.length;
  let fresh = 0;
  for (let i = 0; i < n; i++) {
    if (items[i].selfMs === undefined) {
      fresh++;
    }
  }
  if (fresh === 0) {
    return false;
  }
  const indexOf = family(items);
  if (fresh < n) {
    // Spans counted before whose children came late: take their old self time back, count the new.
    const late = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const p = items[i].selfMs === undefined ? items[i].span.parentSpanId : undefined;
      const pi = p ? indexOf(p) : -1;
      if (pi >= 0) {
        late[pi] = 1;
      }
    }
    for (let i = 0; i < n; i++) {
      const it = items[i];
      if (late[i] === 0 || it.selfMs === undefined || Number.isNaN(it.selfMs)) {
        continue;
      }
      const self = selfTimeAt(items, i);
      const run = registry.runs.get(it.run);
      if (run && self !== it.selfMs) {
        for (const co of it.codeObjects) {
          aggs.replaceSelf(co, run.no, it.span.startUs / 1000, it.selfMs, self);
        }
      }
      it.selfMs = self;
    }
  }
  resetBest();
  let run: ReturnType<typeof registry.runs.get>;
  let runId: string | undefined;
  for (let i = 0; i < n; i++) {
    const it = items[i];
    if (it.selfMs !== undefined) {
      continue;
    }
    const s = it.span;
    const self = selfTimeAt(items, i);
    it.selfMs = self;
    if (runId !== it.run) {
      runId = it.run;
      run = registry.runs.get(it.run);
    }
    const durationMs = Math.max(0, (s.endUs - s.startUs) / 1000);
    const error = s.statusCode === StatusCode.ERROR;
    const cos = it.codeObjects;
    const startMs = s.startUs / 1000;
    for (let c = 0; c < cos.length; c++) {
      if (run) {
        aggs.addSelf(cos[c], run.no, startMs, self);
      }
      noteBest(cos[c], durationMs, error, startMs);
    }
  }
  let keep = exemplars.isKept(t.traceId);
  for (let b = 0; b < bestCount; b++) {
    keep = exemplars.offer(bestCo[b], t.traceId, bestDuration[b], bestError[b] === 1, bestT[b]) || keep;
  }
  if (keep) {
    // The spans as they are now: late spans hand the trace on (and keep it) again.
    const spans = items.slice();
    exemplars.keepTrace(t.traceId, items[0].run, () => spans.map((i) => traceSpanDto(i, registry)));
  }
  return fresh === n;
}
