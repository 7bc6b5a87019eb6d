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
 * Self time and exemplars of a trace handed on (again). Returns true when it is the first time
 * any of its spans are counted (a new trace).
 */
export function onTraceAssembled(t: TraceBuffer, registry: Registry, aggs: AggregateTable, exemplars: ExemplarSampler): boolean {
  const fresh = t.items.filter((i) => i.selfMs === undefined);
  if (fresh.length === 0) {
    return false;
  }
  const children = new Map<string, Span[]>();
  for (const i of t.items) {
    if (i.span.parentSpanId) {
      let l = children.get(i.span.parentSpanId);
      if (!l) {
        l = [];
        children.set(i.span.parentSpanId, l);
      }
      l.push(i.span);
    }
  }
  // Spans counted before whose children came late: take their old self time back, count the new.
  const lateParents = fresh.length === t.items.length ? new Set<string>() : new Set(fresh.map((i) => i.span.parentSpanId).filter((p): p is string => p !== undefined));
  for (const i of lateParents.size === 0 ? [] : t.items) {
    if (i.selfMs === undefined || Number.isNaN(i.selfMs) || !lateParents.has(i.span.spanId)) {
      continue;
    }
    const self = selfTimeMs(i.span, children.get(i.span.spanId));
    const run = registry.runs.get(i.run);
    if (run && self !== i.selfMs) {
      for (const co of i.codeObjects) {
        aggs.replaceSelf(co, run.no, i.span.startUs / 1000, i.selfMs, self);
      }
    }
    i.selfMs = self;
  }
  const best = new Map<number, Exemplar>();
  let run = registry.runs.get(fresh[0].run);
  for (const i of fresh) {
    const s = i.span;
    const self = selfTimeMs(s, children.get(s.spanId));
    i.selfMs = self;
    if (run?.id !== i.run) {
      run = registry.runs.get(i.run);
    }
    const durationMs = Math.max(0, (s.endUs - s.startUs) / 1000);
    const error = s.statusCode === StatusCode.ERROR;
    for (const co of i.codeObjects) {
      if (run) {
        aggs.addSelf(co, run.no, s.startUs / 1000, self);
      }
      const prev = best.get(co);
      if (!prev || durationMs > prev.durationMs || (error && !prev.error)) {
        best.set(co, { traceId: t.traceId, durationMs: Math.max(durationMs, prev?.durationMs ?? 0), error: error || (prev?.error ?? false), t: s.startUs / 1000 });
      }
    }
  }
  let keep = exemplars.isKept(t.traceId);
  for (const [co, e] of best) {
    keep = exemplars.offer(co, e) || keep;
  }
  if (keep) {
    exemplars.keepTrace(t.traceId, t.items[0].run, t.items.map((i) => traceSpanDto(i, registry)));
  }
  return fresh.length === t.items.length;
}
