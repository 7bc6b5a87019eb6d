/**
 * Where an endpoint's time goes: `bottleneck` (a span that takes most of the request in many
 * requests) and `breakdown` (shares by child span and by kind, including the endpoint's self time).
 */
import type { AnalysisContext, AnalyzerRun } from './context';
import type { InsightDraft } from './draft';
import { displayName, draft, fmtMs, fmtPct, pickSamples, round } from './draft';
import { mean, quantile } from './stats';
import type { SegmentFacts } from './traceFacts';
import { BREAKDOWN_KINDS } from './traceFactTypes';

interface BottleneckHit {
  endpoint: string;
  segs: SegmentFacts[];
  slowed: SegmentFacts[];
  shares: number[];
}

/**
 * Whether `key` holds the share of segment `s` itself: its spans (with children) cover more than
 * `minShare` of the request and no other code object under them does too. A span that merely wraps
 * the one that takes the time (a framework's request handler, a function around a slow query) is not
 * the bottleneck: the deepest span holding the share is. Entry spans are not in `coverUs` at all.
 */
function holdsShare(s: SegmentFacts, key: string, minShare: number): boolean {
  return s.durUs > 0 && (s.coverUs(key) ?? 0) / s.durUs > minShare && (s.innerUs(key) ?? 0) / s.durUs <= minShare;
}

export function* bottleneck(ctx: AnalysisContext): AnalyzerRun {
  const cfg = ctx.config.bottleneck;
  const bySpan = new Map<string, BottleneckHit[]>();
  for (const [endpoint, segs] of ctx.segmentsByEndpoint) {
    yield;
    const keys = new Set(segs.flatMap((s) => s.coverKeys()));
    for (const key of keys) {
      const slowed = segs.filter((s) => holdsShare(s, key, cfg.minShare));
      if (slowed.length === 0 || slowed.length / segs.length < cfg.minRequestShare) {
        continue;
      }
      const shares = segs.filter((s) => s.coverUs(key) !== undefined).map((s) => (s.durUs > 0 ? s.coverUs(key)! / s.durUs : 0));
      const list = bySpan.get(key) ?? [];
      list.push({ endpoint, segs, slowed, shares });
      bySpan.set(key, list);
    }
  }
  const out: InsightDraft[] = [];
  for (const [key, hits] of [...bySpan].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    hits.sort((a, b) => b.slowed.length / b.segs.length - a.slowed.length / a.segs.length || (a.endpoint < b.endpoint ? -1 : 1));
    const worst = hits[0];
    const p50 = quantile(worst.shares, 0.5);
    const p95 = quantile(worst.shares, 0.95);
    const slowedShare = worst.slowed.length / worst.segs.length;
    const avgMs = mean(worst.slowed.map((s) => s.coverUs(key)! / 1000));
    out.push(
      draft({
        type: 'bottleneck',
        codeObject: key,
        severity: p50 >= 0.6 && slowedShare >= 0.5 ? 'high' : 'medium',
        title: `Bottleneck: ${fmtPct(p50)} of ${displayName(worst.endpoint)}`,
        detail:
          `${displayName(key)} takes more than ${fmtPct(cfg.minShare)} of ${displayName(worst.endpoint)} in ${fmtPct(slowedShare)} of its requests ` +
          `(share p50 ${fmtPct(p50)}, p95 ${fmtPct(p95)}; ${fmtMs(avgMs)} on average when it is the bottleneck).` +
          (hits.length > 1 ? ` Also in ${hits.slice(1).map((h) => displayName(h.endpoint)).join(', ')}.` : ''),
        figures: {
          endpointCodeObjects: hits.map((h) => h.endpoint),
          shareP50: round(p50),
          shareP95: round(p95),
          requestsSlowedShare: round(slowedShare),
          requestsSlowed: worst.slowed.length,
          requests: worst.segs.length,
          avgDurationWhenBottleneckMs: round(avgMs),
        },
        sampleTraceIds: pickSamples(worst.slowed.map((s) => ({ traceId: s.traceId, durUs: s.durUs, error: s.error }))),
        confirmed: worst.segs.length >= ctx.config.minTracesForActive,
      }),
    );
  }
  return out;
}

export function* breakdown(ctx: AnalysisContext): AnalyzerRun {
  const out: InsightDraft[] = [];
  for (const [endpoint, segs] of [...ctx.segmentsByEndpoint].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    yield;
    const timed = segs.filter((s) => s.durUs > 0);
    if (timed.length === 0) {
      continue;
    }
    const figures: InsightDraft['figures'] = { requests: segs.length };
    const parts: string[] = [];
    for (const k of BREAKDOWN_KINDS) {
      const shares = timed.map((s) => s.kindUs(k) / s.durUs);
      figures[`${k}ShareP50`] = round(quantile(shares, 0.5));
      figures[`${k}ShareP95`] = round(quantile(shares, 0.95));
      if ((figures[`${k}ShareP50`] as number) > 0) {
        parts.push(`${k} ${fmtPct(figures[`${k}ShareP50`] as number)}`);
      }
    }
    const children = [...new Set(timed.flatMap((s) => s.childKeys()))].sort();
    const all: { c: string; p50: number; p95: number }[] = [];
    for (const c of children) {
      yield;
      const shares = timed.map((s) => (s.childUs(c) ?? 0) / s.durUs);
      all.push({ c, p50: quantile(shares, 0.5), p95: quantile(shares, 0.95) });
    }
    const childShares = all.sort((a, b) => b.p95 - a.p95 || (a.c < b.c ? -1 : 1)).slice(0, 10);
    figures.children = childShares.map((x) => x.c);
    figures.childShareP50 = childShares.map((x) => round(x.p50));
    figures.childShareP95 = childShares.map((x) => round(x.p95));
    out.push(
      draft({
        type: 'breakdown',
        codeObject: endpoint,
        severity: 'info',
        title: `Time: ${parts.join(' · ') || 'no data'}`,
        detail: `Median share of ${displayName(endpoint)}'s time by kind: ${parts.join(', ')}. Largest children: ${childShares
          .slice(0, 3)
          .map((x) => `${displayName(x.c)} ${fmtPct(x.p50)}`)
          .join(', ') || 'none'}.`,
        figures,
        sampleTraceIds: pickSamples(segs.map((s) => ({ traceId: s.traceId, durUs: s.durUs, error: s.error }))),
      }),
    );
  }
  return out;
}
