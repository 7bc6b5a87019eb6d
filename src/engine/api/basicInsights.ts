/**
 * The insights the API can give without the insights engine: `duration` and `usage` (severity info)
 * for every span and endpoint code object, from the aggregates. Used until an InsightProvider is wired.
 */
import type { CodeObject, Insight, InsightScope } from '../../shared/api';
import type { AggregateReader, StatsWindow } from '../model';
import type { Exemplar, ExemplarRole } from '../store/exemplars';

export function scopeOf(co: CodeObject): InsightScope {
  return co.kind === 'endpoint' ? 'endpoint' : co.kind === 'function' ? 'function' : 'span';
}

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(2)} ms`);

export function basicInsights(reader: AggregateReader, cos: CodeObject[], window: StatsWindow, exemplars: (key: string) => Record<ExemplarRole, Exemplar[]> | undefined): Insight[] {
  const out: Insight[] = [];
  for (const co of cos) {
    const s = reader.stats(co.id, window);
    if (!s) {
      continue;
    }
    const ex = exemplars(co.id);
    const sampleTraceIds: Insight['sampleTraceIds'] = {};
    if (ex?.slowest[0]) {
      sampleTraceIds.slowest = ex.slowest[0].traceId;
    }
    if (ex?.error.length) {
      sampleTraceIds.error = ex.error[ex.error.length - 1].traceId;
    }
    const d = s.durationMs;
    const base = { scope: scopeOf(co), severity: 'info' as const, codeObject: co.id, service: co.service, sampleTraceIds, firstSeen: co.firstSeen, lastSeen: co.lastSeen, status: 'active' as const };
    out.push({
      ...base,
      id: `duration:${co.id}`,
      type: 'duration',
      title: `p50 ${fmt(d.p50)} · p95 ${fmt(d.p95)}`,
      detail: `${s.count} calls: p50 ${fmt(d.p50)}, p95 ${fmt(d.p95)}, p99 ${fmt(d.p99)}, max ${fmt(d.max)}.`,
      figures: { count: s.count, p50: d.p50, p75: d.p75, p95: d.p95, p99: d.p99, max: d.max, mean: d.mean, lastCall: s.lastCall ?? null },
    });
    out.push({
      ...base,
      id: `usage:${co.id}`,
      type: 'usage',
      title: `${s.ratePerMin.mean.toFixed(1)}/min · ${s.count} calls`,
      detail: `${s.count} calls, ${s.errors} errors (${(s.errorRate * 100).toFixed(1)} %); ${s.ratePerMin.mean.toFixed(1)} calls/min on average, at most ${s.ratePerMin.max}/min.`,
      figures: { count: s.count, errors: s.errors, errorRate: s.errorRate, ratePerMinMean: s.ratePerMin.mean, ratePerMinMax: s.ratePerMin.max },
    });
  }
  return out;
}
