/**
 * Errors: `errors` (per span/function and exception type: count, rate, trend, stack frames) and
 * `errorHotspot` (span, function, endpoint: a 0–100 score from frequency, recency, trend and the
 * share of errors that escaped to the endpoint; raised from `minScore`).
 */
import type { AnalysisContext, AnalyzerRun } from './context';
import type { InsightDraft } from './draft';
import { displayName, draft, fmtPct, pickSamples, round } from './draft';
import type { ExceptionFact } from './traceFacts';

interface Counts {
  calls: number;
  errors: number;
}

/** Calls and errors of a key: the store's when it has the key, else the kept traces'. */
function countsOf(ctx: AnalysisContext, key: string): Counts {
  const st = ctx.statsOf(key);
  if (st) {
    return { calls: st.count, errors: st.errors };
  }
  const ex = ctx.executionsByKey.get(key) ?? [];
  return { calls: ex.length, errors: ex.filter((e) => e.error).length };
}

/** Error rate in the recent window and before it, from the kept traces. */
function rates(ctx: AnalysisContext, key: string, windowMs: number): { recent: number; before: number | null; lastErrorMs: number | null } {
  const split = (ctx.now - windowMs) * 1000;
  let rc = 0;
  let re = 0;
  let bc = 0;
  let be = 0;
  let last: number | null = null;
  for (const e of ctx.executionsByKey.get(key) ?? []) {
    if (e.startUs >= split) {
      rc++;
      re += e.error ? 1 : 0;
    } else {
      bc++;
      be += e.error ? 1 : 0;
    }
    if (e.error) {
      last = Math.max(last ?? 0, (e.startUs + e.durUs) / 1000);
    }
  }
  return { recent: rc > 0 ? re / rc : 0, before: bc > 0 ? be / bc : null, lastErrorMs: last };
}

function keysWithErrors(ctx: AnalysisContext): string[] {
  const keys = new Set<string>(ctx.exceptionsByKey.keys());
  for (const co of ctx.codeObjects) {
    if (co.errors > 0) {
      keys.add(co.id);
    }
  }
  return [...keys].sort();
}

export interface HotspotScore {
  score: number;
  frequency: number;
  recency: number;
  trend: number;
  unhandled: number;
}

/** Score parts: frequency 0–40, recency 0–20, trend 0–20, unhandled share 0–20. */
export function hotspotScore(errorRate: number, ageMs: number | null, trendRatio: number, unhandledShare: number, windowMs: number): HotspotScore {
  const frequency = 40 * Math.min(1, errorRate / 0.25);
  const recency = ageMs === null ? 0 : 20 * Math.max(0, 1 - ageMs / (24 * windowMs));
  const trend = 20 * Math.min(1, Math.max(0, (trendRatio - 0.5) / 1.5));
  const unhandled = 20 * Math.min(1, Math.max(0, unhandledShare));
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { score: Math.round(frequency + recency + trend + unhandled), frequency: r(frequency), recency: r(recency), trend: r(trend), unhandled: r(unhandled) };
}

function topTypes(exs: ExceptionFact[]): [string, number][] {
  const c = new Map<string, number>();
  for (const e of exs) {
    c.set(e.type, (c.get(e.type) ?? 0) + 1);
  }
  return [...c].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

export function* errorHotspot(ctx: AnalysisContext): AnalyzerRun {
  const cfg = ctx.config.errorHotspot;
  const out: InsightDraft[] = [];
  for (const key of keysWithErrors(ctx)) {
    yield;
    const { calls, errors } = countsOf(ctx, key);
    const exs = ctx.exceptionsByKey.get(key) ?? [];
    const unhandled = exs.filter((e) => e.unhandled).length;
    const rate = calls > 0 ? errors / calls : 0;
    if (!((rate >= cfg.minErrorRate && errors >= cfg.minErrors) || unhandled > 0)) {
      continue;
    }
    const r = rates(ctx, key, cfg.recentWindowMs);
    const lastMs = r.lastErrorMs ?? (exs.length > 0 ? Math.max(...exs.map((e) => e.timeUs / 1000)) : null);
    const trendRatio = r.before === null ? 1 : r.before > 0 ? r.recent / r.before : r.recent > 0 ? 2 : 1;
    const s = hotspotScore(rate, lastMs === null ? null : Math.max(0, ctx.now - lastMs), trendRatio, exs.length > 0 ? unhandled / exs.length : 0, cfg.recentWindowMs);
    if (s.score < cfg.minScore) {
      continue;
    }
    const types = topTypes(exs).slice(0, 5);
    const messages = [...new Set(exs.map((e) => e.message).filter((m) => m))].slice(0, 3);
    out.push(
      draft({
        type: 'errorHotspot',
        codeObject: key,
        severity: s.score >= 85 ? 'critical' : 'high',
        title: `Error hotspot (score ${s.score}): ${fmtPct(rate)} errors`,
        detail:
          `${displayName(key)} fails in ${fmtPct(rate)} of ${calls} calls (${errors} errors${unhandled > 0 ? `, ${unhandled} escaped to the endpoint` : ''}). ` +
          `Score ${s.score}/100: frequency ${s.frequency}, recency ${s.recency}, trend ${s.trend}, unhandled ${s.unhandled}.` +
          (types.length > 0 ? ` Top: ${types.map(([t, n]) => `${t} ×${n}`).join(', ')}.` : ''),
        figures: {
          score: s.score,
          scoreFrequency: s.frequency,
          scoreRecency: s.recency,
          scoreTrend: s.trend,
          scoreUnhandled: s.unhandled,
          errorRate: round(rate),
          errors,
          calls,
          unhandled,
          exceptionTypes: types.map(([t]) => t),
          exceptionCounts: types.map(([, n]) => n),
          messages,
          firstErrorSeen: exs.length > 0 ? Math.min(...exs.map((e) => e.timeUs / 1000)) : null,
          lastErrorSeen: lastMs,
        },
        sampleTraceIds: pickSamples(exs.map((e) => ({ traceId: e.traceId, durUs: 0, error: true }))),
      }),
    );
  }
  return out;
}

export function* errors(ctx: AnalysisContext): AnalyzerRun {
  const windowMs = ctx.config.errorHotspot.recentWindowMs;
  const split = ctx.now - windowMs;
  const out: InsightDraft[] = [];
  for (const [key, exs] of [...ctx.exceptionsByKey].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    yield;
    if (!key.startsWith('span:') && !key.startsWith('fn:')) {
      continue;
    }
    const { calls } = countsOf(ctx, key);
    const execs = ctx.executionsByKey.get(key) ?? [];
    const recentCalls = execs.filter((e) => e.startUs / 1000 >= split).length;
    const beforeCalls = execs.length - recentCalls;
    for (const [type] of topTypes(exs)) {
      const mine = exs.filter((e) => e.type === type).sort((a, b) => a.timeUs - b.timeUs || (a.traceId < b.traceId ? -1 : 1));
      const rate = calls > 0 ? mine.length / calls : 0;
      const recent = mine.filter((e) => e.timeUs / 1000 >= split).length;
      const before = mine.length - recent;
      const rateRecent = recentCalls > 0 ? recent / recentCalls : 0;
      const rateBefore = beforeCalls > 0 ? before / beforeCalls : 0;
      const trend =
        before === 0 && beforeCalls > 0 ? 'new' : rateBefore > 0 && rateRecent > 2 * rateBefore && recent >= 3 ? 'escalating' : rate >= 0.05 ? 'frequent' : 'occasional';
      const latestWithFrames = [...mine].reverse().find((e) => e.frames.length > 0);
      const escaped = mine.filter((e) => e.unhandled).length;
      out.push(
        draft({
          type: 'errors',
          codeObject: key,
          discriminator: type,
          severity: escaped > 0 ? 'medium' : 'low',
          title: `${type} ×${mine.length} (${fmtPct(rate)})`,
          detail: `${type} raised ${mine.length} times in ${displayName(key)} (${trend}${escaped > 0 ? `, ${escaped} escaped to the endpoint` : ''}).` +
            (mine[mine.length - 1].message ? ` Latest: ${mine[mine.length - 1].message}` : ''),
          figures: {
            exceptionType: type,
            count: mine.length,
            rate: round(rate),
            trend,
            escaped,
            messages: [...new Set(mine.map((e) => e.message).filter((m) => m))].slice(0, 3),
            firstSeen: mine[0].timeUs / 1000,
            lastSeen: mine[mine.length - 1].timeUs / 1000,
          },
          sampleTraceIds: pickSamples(mine.map((e) => ({ traceId: e.traceId, durUs: 0, error: true }))),
          ...(latestWithFrames ? { stackFrames: latestWithFrames.frames } : {}),
        }),
      );
    }
  }
  return out;
}
