/**
 * `durationChange`: p50 or p95 of the recent window (last 60 min, or the latest run) against the
 * baseline (everything before, or the previous run); `active` only when the Mann–Whitney U test
 * says the samples differ (p < alpha), else `evaluating`.
 */
import type { CodeObjectStats, RunInfo } from '../../shared/api';
import type { StatsWindow } from '../model';
import type { AnalysisContext, AnalyzerRun } from './context';
import type { InsightDraft } from './draft';
import { displayName, draft, fmtMs, pickSamples, round } from './draft';
import { spanAndEndpointStats } from './latency';
import { significance } from './significance';
import type { Execution } from './traceFacts';

/** Relative change b vs a (0.25 = 25 % more); 0 when both are 0, Infinity from 0. */
export function relChange(a: number, b: number): number {
  if (a === b) {
    return 0;
  }
  return a === 0 ? Infinity : (b - a) / a;
}

interface Sides {
  base: StatsWindow;
  recent: StatsWindow;
  inBase: (e: Execution) => boolean;
  inRecent: (e: Execution) => boolean;
  changedAt: number;
  label: string;
}

function sidesFor(ctx: AnalysisContext, key: string, runs: RunInfo[]): Sides {
  if (runs.length >= 2) {
    const withData = runs.filter((r) => ctx.reader.stats(key, { runId: r.id }) !== undefined);
    if (withData.length >= 2) {
      const [prev, last] = withData.slice(-2);
      return {
        base: { runId: prev.id },
        recent: { runId: last.id },
        inBase: (e) => e.runId === prev.id,
        inRecent: (e) => e.runId === last.id,
        changedAt: last.firstSeen,
        label: `run ${prev.label} → ${last.label}`,
      };
    }
  }
  const split = ctx.now - ctx.config.durationChange.recentWindowMs;
  return {
    base: { toMs: split },
    recent: { fromMs: split, toMs: ctx.now },
    inBase: (e) => e.startUs / 1000 < split,
    inRecent: (e) => e.startUs / 1000 >= split && e.startUs / 1000 <= ctx.now,
    changedAt: split,
    label: 'last hour vs before',
  };
}

export function* durationChange(ctx: AnalysisContext): AnalyzerRun {
  const cfg = ctx.config.durationChange;
  const runs = [...ctx.reader.runs()].sort((a, b) => a.firstSeen - b.firstSeen || (a.id < b.id ? -1 : 1));
  const out: InsightDraft[] = [];
  for (const all of spanAndEndpointStats(ctx)) {
    yield;
    if (all.count < 2 * cfg.minSamples) {
      continue;
    }
    const key = all.codeObject.id;
    const sides = sidesFor(ctx, key, runs);
    const base = ctx.reader.stats(key, sides.base);
    const recent = ctx.reader.stats(key, sides.recent);
    if (!base || !recent || base.count < cfg.minSamples || recent.count < cfg.minSamples) {
      continue;
    }
    const changed = (a: number, b: number): boolean => Math.abs(b - a) > cfg.minChangeMs && Math.abs(relChange(a, b)) > cfg.minChange;
    const d50 = relChange(base.durationMs.p50, recent.durationMs.p50);
    const d95 = relChange(base.durationMs.p95, recent.durationMs.p95);
    if (!changed(base.durationMs.p50, recent.durationMs.p50) && !changed(base.durationMs.p95, recent.durationMs.p95)) {
      continue;
    }
    const execs = ctx.executionsByKey.get(key) ?? [];
    const baseExecs = execs.filter(sides.inBase);
    const recentExecs = execs.filter(sides.inRecent);
    const sig = significance({
      samplesA: baseExecs.map((e) => e.durUs),
      samplesB: recentExecs.map((e) => e.durUs),
      histogramA: base.histogram,
      histogramB: recent.histogram,
      minSamples: cfg.minSamples,
    });
    out.push(changeDraft(key, base, recent, d50, d95, sig?.p ?? null, sig?.source ?? null, sides, cfg.alpha, baseExecs, recentExecs));
  }
  return out;
}

function changeDraft(
  key: string,
  base: CodeObjectStats,
  recent: CodeObjectStats,
  d50: number,
  d95: number,
  p: number | null,
  source: string | null,
  sides: Sides,
  alpha: number,
  baseExecs: Execution[],
  recentExecs: Execution[],
): InsightDraft {
  const main = Math.abs(d50) >= Math.abs(d95) ? d50 : d95;
  const slower = main > 0;
  const mag = Math.abs(main);
  const pct = (x: number): string => (Number.isFinite(x) ? `${x > 0 ? '+' : ''}${Math.round(x * 100)}%` : 'new');
  const recentSamples = pickSamples(recentExecs.map((e) => ({ traceId: e.traceId, durUs: e.durUs, error: e.error })));
  const baseSamples = pickSamples(baseExecs.map((e) => ({ traceId: e.traceId, durUs: e.durUs, error: e.error })));
  return draft({
    type: 'durationChange',
    codeObject: key,
    severity: !slower ? 'info' : mag >= 0.5 ? 'high' : mag >= 0.25 ? 'medium' : 'low',
    // The title names the percentile that moved most (the one that raised the insight).
    title:
      Math.abs(d50) >= Math.abs(d95)
        ? `${slower ? 'Slower' : 'Faster'}: p50 ${fmtMs(base.durationMs.p50)} → ${fmtMs(recent.durationMs.p50)} (${pct(d50)})`
        : `${slower ? 'Slower' : 'Faster'}: p95 ${fmtMs(base.durationMs.p95)} → ${fmtMs(recent.durationMs.p95)} (${pct(d95)})`,
    detail:
      `${displayName(key)} (${sides.label}): p50 ${fmtMs(base.durationMs.p50)} → ${fmtMs(recent.durationMs.p50)} (${pct(d50)}), ` +
      `p95 ${fmtMs(base.durationMs.p95)} → ${fmtMs(recent.durationMs.p95)} (${pct(d95)}); ` +
      (p === null ? 'not enough samples for a significance test yet.' : `Mann–Whitney p = ${p < 0.0001 ? p.toExponential(1) : round(p, 4)}.`),
    figures: {
      baselineP50Ms: round(base.durationMs.p50),
      recentP50Ms: round(recent.durationMs.p50),
      baselineP95Ms: round(base.durationMs.p95),
      recentP95Ms: round(recent.durationMs.p95),
      baselineP99Ms: round(base.durationMs.p99),
      recentP99Ms: round(recent.durationMs.p99),
      p50Change: Number.isFinite(d50) ? round(d50) : null,
      p95Change: Number.isFinite(d95) ? round(d95) : null,
      baselineCount: base.count,
      recentCount: recent.count,
      pValue: p,
      pValueSource: source,
      changedAt: sides.changedAt,
      comparison: sides.label,
    },
    sampleTraceIds: {
      ...recentSamples,
      ...(baseSamples.slowest ? { baselineSlowest: baseSamples.slowest } : {}),
      ...(baseSamples.median ? { baselineMedian: baseSamples.median } : {}),
    },
    confirmed: p !== null && p < alpha,
  });
}
