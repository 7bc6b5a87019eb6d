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
import { unionLength } from '../intervals';
import type { Span } from '../model';
import type { AggregateTable } from './aggregateTable';
import type { Exemplar, ExemplarSampler } from './exemplars';
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
 * child of span i, `next[c]` the next sibling of child c; -1 ends), and each span's index by id:
 * no per-parent arrays.
 */
interface Family {
  index: Map<string, number>;
  head: Int32Array;
  next: Int32Array;
}

function familyOf(items: BufferedSpan[]): Family {
  const n = items.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    index.set(items[i].span.spanId, i);
  }
  const head = new Int32Array(n).fill(-1);
  const next = new Int32Array(n).fill(-1);
  // Backwards, so each list is in arrival order.
  for (let i = n - 1; i >= 0; i--) {
    const p = items[i].span.parentSpanId;
    const pi = p ? index.get(p) : undefined;
    if (pi !== undefined) {
      next[i] = head[pi];
      head[pi] = i;
    }
  }
  return { index, head, next };
}

/** `selfTimeMs` of `items[i]` with its children from `f`. */
function selfTimeAt(items: BufferedSpan[], f: Family, i: number): number {
  const s = items[i].span;
  const dur = Math.max(0, s.endUs - s.startUs);
  let c = f.head[i];
  if (c < 0) {
    return dur / 1000;
  }
  let covered: number;
  if (f.next[c] < 0) {
    const k = items[c].span;
    covered = Math.max(0, Math.min(k.endUs, s.endUs) - Math.max(k.startUs, s.startUs));
  } else {
    const intervals: [number, number][] = [];
    for (; c >= 0; c = f.next[c]) {
      intervals.push([items[c].span.startUs, items[c].span.endUs]);
    }
    covered = unionLength(intervals, s.startUs, s.endUs);
  }
  return Math.max(0, dur - covered) / 1000;
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
  const f = familyOf(items);
  if (fresh < n) {
    // Spans counted before whose children came late: take their old self time back, count the new.
    const late = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const p = items[i].selfMs === undefined ? items[i].span.parentSpanId : undefined;
      const pi = p ? f.index.get(p) : undefined;
      if (pi !== undefined) {
        late[pi] = 1;
      }
    }
    for (let i = 0; i < n; i++) {
      const it = items[i];
      if (late[i] === 0 || it.selfMs === undefined || Number.isNaN(it.selfMs)) {
        continue;
      }
      const self = selfTimeAt(items, f, i);
      const run = registry.runs.get(it.run);
      if (run && self !== it.selfMs) {
        for (const co of it.codeObjects) {
          aggs.replaceSelf(co, run.no, it.span.startUs / 1000, it.selfMs, self);
        }
      }
      it.selfMs = self;
    }
  }
  const best = new Map<number, Exemplar>();
  let run: ReturnType<typeof registry.runs.get>;
  let runId: string | undefined;
  for (let i = 0; i < n; i++) {
    const it = items[i];
    if (it.selfMs !== undefined) {
      continue;
    }
    const s = it.span;
    const self = selfTimeAt(items, f, i);
    it.selfMs = self;
    if (runId !== it.run) {
      runId = it.run;
      run = registry.runs.get(it.run);
    }
    const durationMs = Math.max(0, (s.endUs - s.startUs) / 1000);
    const error = s.statusCode === StatusCode.ERROR;
    for (const co of it.codeObjects) {
      if (run) {
        aggs.addSelf(co, run.no, s.startUs / 1000, self);
      }
      const prev = best.get(co);
      if (!prev) {
        best.set(co, { traceId: t.traceId, durationMs, error, t: s.startUs / 1000 });
      } else if (durationMs > prev.durationMs || (error && !prev.error)) {
        prev.durationMs = Math.max(durationMs, prev.durationMs);
        prev.error ||= error;
        prev.t = s.startUs / 1000;
      }
    }
  }
  let keep = exemplars.isKept(t.traceId);
  for (const [co, e] of best) {
    keep = exemplars.offer(co, e) || keep;
  }
  if (keep) {
    exemplars.keepTrace(t.traceId, items[0].run, items.map((i) => traceSpanDto(i, registry)));
  }
  return fresh === n;
}
