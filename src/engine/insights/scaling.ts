/**
 * `scaling`: duration that rises with concurrency. Each execution is bucketed by how many executions
 * of the same code object were running when it started (itself included); with enough buckets the
 * top bucket's p50 against the concurrency-1 bucket and Spearman's ρ decide, and the knee is the
 * first bucket whose p50 reaches `kneeRatio` × the baseline.
 */
import type { AnalysisContext, AnalyzerRun } from './context';
import type { InsightDraft } from './draft';
import { displayName, draft, fmtMs, pickSamples, round } from './draft';
import { mean, median, spearman } from './stats';
import type { Execution } from './traceFacts';

/** Concurrency → bucket: exact up to 8, then powers of two (9–16 → 16, …). */
export function concurrencyBucket(c: number): number {
  return c <= 8 ? c : 2 ** Math.ceil(Math.log2(c));
}

/** Concurrency at start of each execution (same order as the input). */
export function concurrencyAtStart(execs: readonly Execution[]): number[] {
  const order = execs
    .map((_, i) => i)
    .sort((a, b) => execs[a].startUs - execs[b].startUs || (execs[a].traceId < execs[b].traceId ? -1 : execs[a].traceId > execs[b].traceId ? 1 : execs[a].durUs - execs[b].durUs));
  const heap: number[] = [];
  const push = (v: number): void => {
    heap.push(v);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (heap[p] <= heap[i]) {
        break;
      }
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): void => {
    const last = heap.pop()!;
    if (heap.length === 0) {
      return;
    }
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l] < heap[m]) {
        m = l;
      }
      if (r < heap.length && heap[r] < heap[m]) {
        m = r;
      }
      if (m === i) {
        break;
      }
      [heap[m], heap[i]] = [heap[i], heap[m]];
      i = m;
    }
  };
  const conc = new Array<number>(execs.length);
  for (const i of order) {
    const e = execs[i];
    while (heap.length > 0 && heap[0] <= e.startUs) {
      pop();
    }
    conc[i] = heap.length + 1;
    push(e.startUs + e.durUs);
  }
  return conc;
}

export function* scaling(ctx: AnalysisContext): AnalyzerRun {
  const cfg = ctx.config.scaling;
  const out: InsightDraft[] = [];
  for (const [key, execs] of [...ctx.executionsByKey].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    yield;
    if (key.startsWith('fn:') || execs.length < cfg.minBuckets * cfg.minBucketSamples) {
      continue;
    }
    const conc = concurrencyAtStart(execs);
    const buckets = new Map<number, Execution[]>();
    execs.forEach((e, i) => {
      const b = concurrencyBucket(conc[i]);
      const list = buckets.get(b) ?? [];
      list.push(e);
      buckets.set(b, list);
    });
    const full = [...buckets].filter(([, l]) => l.length >= cfg.minBucketSamples).sort((a, b) => a[0] - b[0]);
    if (full.length < cfg.minBuckets || full[0][0] !== 1) {
      continue;
    }
    const p50s = full.map(([, l]) => median(l.map((e) => e.durUs / 1000)));
    const baseP50 = p50s[0];
    const topP50 = p50s[p50s.length - 1];
    if (!(baseP50 > 0) || topP50 < cfg.minRatio * baseP50) {
      continue;
    }
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [b, l] of full) {
      for (const e of l) {
        xs.push(b);
        ys.push(e.durUs);
      }
    }
    const rho = spearman(xs, ys);
    if (!(rho >= cfg.minSpearman)) {
      continue;
    }
    const kneeIdx = p50s.findIndex((p) => p >= cfg.kneeRatio * baseP50);
    const knee = full[kneeIdx][0];
    const rootCause = childGrowth(ctx, full[0][1], full[full.length - 1][1]);
    out.push(
      draft({
        type: 'scaling',
        codeObject: key,
        severity: topP50 >= 4 * baseP50 ? 'high' : 'medium',
        title: `Scaling issue: ${round(topP50 / baseP50, 1)}× slower at concurrency ${full[full.length - 1][0]}`,
        detail:
          `${displayName(key)} slows down as more executions overlap: p50 ${fmtMs(baseP50)} alone, ${fmtMs(topP50)} at concurrency ${full[full.length - 1][0]} ` +
          `(Spearman ρ ${round(rho, 2)}); it degrades from concurrency ${knee}.` +
          (rootCause.length > 0 ? ` Grows most: ${rootCause.map((c) => displayName(c.key)).join(', ')}.` : ''),
        figures: {
          concurrency: full.map(([b]) => b),
          p50Ms: p50s.map((p) => round(p)),
          samples: full.map(([, l]) => l.length),
          knee,
          spearman: round(rho),
          ratio: round(topP50 / baseP50),
          rootCauseCodeObjects: rootCause.map((c) => c.key),
          rootCauseGrowthMs: rootCause.map((c) => round(c.growthMs)),
        },
        sampleTraceIds: pickSamples(full[full.length - 1][1].map((e) => ({ traceId: e.traceId, durUs: e.durUs, error: e.error }))),
      }),
    );
  }
  return out;
}

/** For endpoint executions: the children whose mean time grew most from the base to the top bucket. */
function childGrowth(ctx: AnalysisContext, base: Execution[], top: Execution[]): { key: string; growthMs: number }[] {
  const childTimes = (list: Execution[]): Map<string, number[]> => {
    const m = new Map<string, number[]>();
    for (const e of list) {
      const f = e.segment === undefined ? undefined : ctx.factsByTrace.get(e.traceId);
      const seg = f && ctx.segmentsOf(f)[e.segment!];
      if (!seg) {
        continue;
      }
      for (const [k, us] of seg.byChild()) {
        m.set(k, [...(m.get(k) ?? []), us / 1000]);
      }
    }
    return m;
  };
  const a = childTimes(base);
  const b = childTimes(top);
  return [...b]
    .map(([key, times]) => ({ key, growthMs: mean(times) - (a.has(key) ? mean(a.get(key)!) : 0) }))
    .filter((c) => c.growthMs > 0)
    .sort((x, y) => y.growthMs - x.growthMs || (x.key < y.key ? -1 : 1))
    .slice(0, 3);
}
