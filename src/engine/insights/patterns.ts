/**
 * Repetition patterns inside one request: `nPlusOne` (same normalized DB statement under one parent),
 * `chattyApi` (same HTTP call under one parent) and `highQueryCount` (DB spans per request).
 */
import type { AnalysisContext } from './context';
import type { InsightDraft } from './draft';
import { displayName, draft, fmtMs, fmtPct, pickSamples, round } from './draft';
import { median, quantile } from './stats';
import type { RepeatFact, SegmentFacts } from './traceFacts';

interface Hit {
  seg: SegmentFacts;
  rep: RepeatFact;
}

function repeatInsights(ctx: AnalysisContext, kind: 'db' | 'http'): InsightDraft[] {
  const cfg = kind === 'db' ? ctx.config.nPlusOne : ctx.config.chattyApi;
  const type = kind === 'db' ? 'nPlusOne' : 'chattyApi';
  const out: InsightDraft[] = [];
  // (span key, target) → endpoints where the pattern holds, for the span-scoped insight.
  const bySpan = new Map<string, { spanKey: string; target: string; endpoints: string[]; hits: Hit[] }>();
  for (const [endpoint, segs] of [...ctx.segmentsByEndpoint].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const hits = new Map<string, Hit[]>();
    for (const seg of segs) {
      for (const rep of seg.repeats) {
        if (rep.kind === kind && rep.repeats >= cfg.minRepeats) {
          const list = hits.get(rep.target) ?? [];
          list.push({ seg, rep });
          hits.set(rep.target, list);
        }
      }
    }
    for (const [target, list] of [...hits].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const share = list.length / segs.length;
      if (share < cfg.minTraceShare) {
        continue;
      }
      const repeats = list.map((h) => h.rep.repeats);
      const timeMs = list.map((h) => h.rep.timeUs / 1000);
      const reqShare = list.map((h) => (h.seg.durUs > 0 ? h.rep.timeUs / h.seg.durUs : 0));
      const medRepeats = median(repeats);
      const spanKey = mostCommon(list.map((h) => h.rep.spanKey));
      // In most requests and many repeats: the most actionable finding of the request, first in the editor.
      const severity = share >= 0.5 && medRepeats >= 10 ? 'critical' : share >= 0.5 || medRepeats >= 20 ? 'high' : 'medium';
      const figures = {
        statement: target,
        repeatsMedian: medRepeats,
        repeatsMax: Math.max(...repeats),
        timeSpentMedianMs: round(median(timeMs)),
        requestShareMedian: round(median(reqShare)),
        tracesAffected: list.length,
        traces: segs.length,
        traceShare: round(share),
      };
      const what = kind === 'db' ? 'N+1 queries' : 'Chatty API';
      out.push(
        draft({
          type,
          codeObject: endpoint,
          discriminator: target,
          severity,
          title: `${what} (${medRepeats}×)`,
          detail:
            `${fmtPct(share)} of ${displayName(endpoint)} requests repeat \`${target}\` ${medRepeats}× (max ${figures.repeatsMax}) ` +
            `under one parent, spending ${fmtMs(figures.timeSpentMedianMs)} (${fmtPct(figures.requestShareMedian)} of the request) at the median.`,
          // `…CodeObject(s)` figures attribute the insight to those code objects too (see Insight.figures).
          figures: { ...figures, spanCodeObject: spanKey, parentCodeObject: mostCommon(list.map((h) => h.rep.parentKey)) },
          sampleTraceIds: pickSamples(list.map((h) => ({ traceId: h.seg.traceId, durUs: h.seg.durUs, error: h.seg.error }))),
          confirmed: segs.length >= ctx.config.minTracesForActive,
        }),
      );
      const id = `${spanKey}\u0000${target}`;
      const e = bySpan.get(id) ?? { spanKey, target, endpoints: [], hits: [] };
      e.endpoints.push(endpoint);
      e.hits.push(...list);
      bySpan.set(id, e);
    }
  }
  for (const e of [...bySpan.values()].sort((a, b) => (a.spanKey + a.target < b.spanKey + b.target ? -1 : 1))) {
    const repeats = e.hits.map((h) => h.rep.repeats);
    const medRepeats = median(repeats);
    const time = e.hits.map((h) => h.rep.timeUs / 1000);
    out.push(
      draft({
        type,
        codeObject: e.spanKey,
        discriminator: e.target,
        severity: medRepeats >= 10 && e.hits.length >= ctx.config.minTracesForActive ? 'critical' : medRepeats >= 20 ? 'high' : 'medium',
        title: `${kind === 'db' ? 'N+1 queries' : 'Chatty API'} (${medRepeats}×)`,
        detail: `\`${e.target}\` runs ${medRepeats}× per request (max ${Math.max(...repeats)}) in ${e.endpoints.map(displayName).join(', ')}.`,
        figures: {
          statement: e.target,
          repeatsMedian: medRepeats,
          repeatsMax: Math.max(...repeats),
          timeSpentMedianMs: round(median(time)),
          timeSpentP95Ms: round(quantile(time, 0.95)),
          endpointCodeObjects: e.endpoints,
          parentCodeObject: mostCommon(e.hits.map((h) => h.rep.parentKey)),
          tracesAffected: e.hits.length,
        },
        sampleTraceIds: pickSamples(e.hits.map((h) => ({ traceId: h.seg.traceId, durUs: h.seg.durUs, error: h.seg.error }))),
        confirmed: e.hits.length >= ctx.config.minTracesForActive,
      }),
    );
  }
  return out;
}

function mostCommon(xs: string[]): string {
  const c = new Map<string, number>();
  for (const x of xs) {
    c.set(x, (c.get(x) ?? 0) + 1);
  }
  return [...c].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}

export function nPlusOne(ctx: AnalysisContext): InsightDraft[] {
  return repeatInsights(ctx, 'db');
}

export function chattyApi(ctx: AnalysisContext): InsightDraft[] {
  return repeatInsights(ctx, 'http');
}

export function highQueryCount(ctx: AnalysisContext): InsightDraft[] {
  const cfg = ctx.config.highQueryCount;
  const byService = new Map<string, { endpoint: string; med: number; segs: SegmentFacts[] }[]>();
  for (const [endpoint, segs] of ctx.segmentsByEndpoint) {
    const list = byService.get(segs[0].service) ?? [];
    list.push({ endpoint, med: median(segs.map((s) => s.dbCount)), segs });
    byService.set(segs[0].service, list);
  }
  const out: InsightDraft[] = [];
  for (const list of byService.values()) {
    const typical = median(list.map((e) => e.med));
    for (const e of list.sort((a, b) => (a.endpoint < b.endpoint ? -1 : 1))) {
      if (e.med >= cfg.minMedianQueries && e.med >= cfg.minRatio * typical) {
        out.push(
          draft({
            type: 'highQueryCount',
            codeObject: e.endpoint,
            severity: e.med >= 3 * cfg.minMedianQueries ? 'high' : 'medium',
            title: `High number of queries (${e.med}/request)`,
            detail: `${displayName(e.endpoint)} runs ${e.med} database queries per request at the median; the service's endpoints typically run ${typical}.`,
            figures: { queriesMedian: e.med, queriesMax: Math.max(...e.segs.map((s) => s.dbCount)), typicalMedian: typical, ratio: typical > 0 ? round(e.med / typical) : null },
            sampleTraceIds: pickSamples(e.segs.map((s) => ({ traceId: s.traceId, durUs: s.durUs, error: s.error }))),
            confirmed: e.segs.length >= ctx.config.minTracesForActive,
          }),
        );
      }
    }
  }
  return out;
}
