/**
 * Traffic: `usage` (always; low/high when max calls per minute is far from the service median of the
 * same kind of code object) and `callers` (the flows that reach a span, when there are several).
 */
import type { CodeObjectStats } from '../../shared/api';
import type { AnalysisContext, AnalyzerRun } from './context';
import type { InsightDraft } from './draft';
import { displayName, draft, fmtPct, round } from './draft';
import { spanAndEndpointStats } from './latency';
import { median } from './stats';

export function usage(ctx: AnalysisContext): InsightDraft[] {
  const cfg = ctx.config.usage;
  const groups = new Map<string, CodeObjectStats[]>();
  for (const st of spanAndEndpointStats(ctx)) {
    const g = `${st.codeObject.service}\u0000${st.codeObject.kind}`;
    groups.set(g, [...(groups.get(g) ?? []), st]);
  }
  const out: InsightDraft[] = [];
  for (const list of groups.values()) {
    const typical = median(list.map((s) => s.ratePerMin.max));
    const total = list.reduce((a, s) => a + s.count, 0);
    for (const st of list) {
      const max = st.ratePerMin.max;
      const level = list.length < 2 ? 'normal' : max < cfg.lowRatio * typical ? 'low' : max > cfg.highRatio * typical ? 'high' : 'normal';
      const share = total > 0 ? st.count / total : 0;
      out.push(
        draft({
          type: 'usage',
          codeObject: st.codeObject.id,
          severity: level === 'normal' ? 'info' : 'low',
          title: `${level === 'low' ? 'Low usage: ' : level === 'high' ? 'High usage: ' : ''}${round(st.ratePerMin.mean, 1)}/min (max ${round(max, 1)})`,
          detail: `${st.count} calls, ${fmtPct(share)} of ${st.codeObject.service}'s ${st.codeObject.kind} traffic; the typical peak is ${round(typical, 1)}/min.`,
          figures: {
            level,
            ratePerMinMean: round(st.ratePerMin.mean),
            ratePerMinMax: round(max),
            typicalMaxPerMin: round(typical),
            total: st.count,
            serviceShare: round(share),
          },
        }),
      );
    }
  }
  return out;
}

export function* callers(ctx: AnalysisContext): AnalyzerRun {
  const cfg = ctx.config.callers;
  const out: InsightDraft[] = [];
  for (const [key, flows] of [...ctx.flowsByKey].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    yield;
    if (flows.size < cfg.minFlows) {
      continue;
    }
    const total = [...flows.values()].reduce((a, b) => a + b, 0);
    const top = [...flows].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, cfg.maxFlows);
    out.push(
      draft({
        type: 'callers',
        codeObject: key,
        severity: 'info',
        title: `${flows.size} caller flows`,
        detail: `${displayName(key)} is reached through ${flows.size} flows; top: ${top.map(([f, n]) => `${f} (${fmtPct(n / total)})`).join('; ')}.`,
        figures: { flows: top.map(([f]) => f), flowShares: top.map(([, n]) => round(n / total)), distinctFlows: flows.size },
      }),
    );
  }
  return out;
}
