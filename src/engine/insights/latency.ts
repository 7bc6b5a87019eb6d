/**
 * Latency from the store's aggregates: `duration` (always), `slowEndpoint` (vs the service's
 * endpoints), `longTail` (p99 vs p50); and `slowQuery` from statement timings of the kept traces.
 */
import type { CodeObjectStats } from '../../shared/api';
import type { AnalysisContext, AnalyzerRun } from './context';
import type { InsightDraft } from './draft';
import { displayName, draft, fmtMs, pickSamples, round } from './draft';
import { DurationDigest } from './sketch';
import { median } from './stats';

/** Stats over all data of every span and endpoint code object (not functions), sorted by key. */
export function spanAndEndpointStats(ctx: AnalysisContext): CodeObjectStats[] {
  return ctx.spanAndEndpointStats;
}

export function* duration(ctx: AnalysisContext): AnalyzerRun {
  const out: InsightDraft[] = [];
  for (const st of spanAndEndpointStats(ctx)) {
    yield;
    const d = st.durationMs;
    const spark = st.series.slice(-30).map((p) => round(p.p50Ms));
    out.push(draft({
      type: 'duration',
      codeObject: st.codeObject.id,
      severity: 'info',
      title: `p50 ${fmtMs(d.p50)} · p95 ${fmtMs(d.p95)} · p99 ${fmtMs(d.p99)}`,
      detail: `${st.count} calls; mean ${fmtMs(d.mean)}, max ${fmtMs(d.max)}.`,
      figures: {
        count: st.count,
        p50Ms: round(d.p50),
        p75Ms: round(d.p75),
        p95Ms: round(d.p95),
        p99Ms: round(d.p99),
        meanMs: round(d.mean),
        maxMs: round(d.max),
        histogramBounds: st.histogram.bounds,
        histogramCounts: st.histogram.counts,
        lastCall: st.lastCall ?? null,
        trendP50Ms: spark,
      },
      sampleTraceIds: ctx.samplesOf(st.codeObject.id),
    }));
  }
  return out;
}

export function slowEndpoint(ctx: AnalysisContext): InsightDraft[] {
  const cfg = ctx.config.slowEndpoint;
  const byService = new Map<string, CodeObjectStats[]>();
  for (const st of spanAndEndpointStats(ctx)) {
    if (st.codeObject.kind === 'endpoint') {
      const list = byService.get(st.codeObject.service) ?? [];
      list.push(st);
      byService.set(st.codeObject.service, list);
    }
  }
  const out: InsightDraft[] = [];
  for (const list of byService.values()) {
    const typical = median(list.map((s) => s.durationMs.p50));
    for (const st of list) {
      const p50 = st.durationMs.p50;
      if (p50 >= cfg.minRatio * typical && p50 >= cfg.minP50Ms) {
        const slower = typical > 0 ? p50 / typical - 1 : null;
        out.push(
          draft({
            type: 'slowEndpoint',
            codeObject: st.codeObject.id,
            severity: typical > 0 && p50 >= 3 * typical ? 'high' : 'medium',
            title: `Slow endpoint: p50 ${fmtMs(p50)} (${slower === null ? '' : `${Math.round(slower * 100)}% slower than typical`})`,
            detail: `${displayName(st.codeObject.id)} has p50 ${fmtMs(p50)}; the service's endpoints typically take ${fmtMs(typical)}.`,
            figures: { p50Ms: round(p50), typicalP50Ms: round(typical), slowerBy: slower === null ? null : round(slower), endpoints: list.length },
            sampleTraceIds: ctx.samplesOf(st.codeObject.id),
            confirmed: st.count >= ctx.config.minTracesForActive,
          }),
        );
      }
    }
  }
  return out;
}

export function longTail(ctx: AnalysisContext): InsightDraft[] {
  const cfg = ctx.config.longTail;
  const out: InsightDraft[] = [];
  for (const st of spanAndEndpointStats(ctx)) {
    const { p50, p99 } = st.durationMs;
    if (st.count >= cfg.minSamples && p50 > 0 && p99 >= cfg.minRatio * p50) {
      out.push(
        draft({
          type: 'longTail',
          codeObject: st.codeObject.id,
          severity: p99 >= 2 * cfg.minRatio * p50 ? 'medium' : 'low',
          title: `Long tail: p99 ${fmtMs(p99)} = ${round(p99 / p50, 1)}× p50`,
          detail: `1 in 100 calls of ${displayName(st.codeObject.id)} takes ${fmtMs(p99)} or more while the median is ${fmtMs(p50)}.`,
          figures: { p50Ms: round(p50), p99Ms: round(p99), ratio: round(p99 / p50), count: st.count },
          sampleTraceIds: ctx.samplesOf(st.codeObject.id),
        }),
      );
    }
  }
  return out;
}

export function* slowQuery(ctx: AnalysisContext): AnalyzerRun {
  const cfg = ctx.config.slowQuery;
  const out: InsightDraft[] = [];
  for (const [group, stmts] of [...ctx.statementsByGroup].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    yield;
    const byStatement = new Map<string, typeof stmts>();
    for (const s of stmts) {
      const list = byStatement.get(s.statement) ?? [];
      list.push(s);
      byStatement.set(s.statement, list);
    }
    const p50s = new Map<string, number>();
    for (const [stmt, list] of byStatement) {
      const dig = new DurationDigest();
      for (const s of list) {
        dig.add(s.durUs / 1000);
      }
      p50s.set(stmt, dig.quantile(0.5));
    }
    const typical = median([...p50s.values()]);
    for (const [stmt, p50] of [...p50s].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (p50 < cfg.minRatio * typical || p50 < cfg.minP50Ms) {
        continue;
      }
      const list = byStatement.get(stmt)!;
      const spanKey = list[0].spanKey;
      const [system, db] = group.split('|');
      out.push(
        draft({
          type: 'slowQuery',
          codeObject: spanKey,
          discriminator: stmt,
          scope: 'span',
          severity: p50 >= 10 * typical ? 'high' : 'medium',
          title: `Slow query: p50 ${fmtMs(p50)} (typical ${fmtMs(typical)})`,
          detail: `\`${stmt}\` on ${system}${db ? `/${db}` : ''} takes ${fmtMs(p50)} at the median, ${round(p50 / typical, 1)}× the typical statement (${fmtMs(typical)}).`,
          figures: { statement: stmt, dbSystem: system, dbName: db, p50Ms: round(p50), typicalP50Ms: round(typical), count: list.length },
          sampleTraceIds: pickSamples(list.map((s) => ({ traceId: s.traceId, durUs: s.durUs }))),
          confirmed: list.length >= ctx.config.minTracesForActive,
        }),
      );
    }
  }
  return out;
}
