/**
 * What the CodeLens shows, decided without `vscode`: which lenses go above which function (cheap:
 * from the document map and the code objects/insights already fetched) and their titles (from the
 * statistics, fetched on resolve). Split out so it is unit-tested and benchmarked in plain Node.
 */
import type { CodeObject, CodeObjectStats, Insight, Severity } from '../shared/api';
import { severityRank } from '../shared/api';
import { renderTemplate } from '../shared/format';
import type { DocumentMap, MappedFunction } from './codeMap';
import { isInstrumented, matchCodeObjects } from './codeMap';
import { pushTo } from '../shared/collections';

/** Insight types that describe rather than warn: they feed the figures lens, not a lens of their own. */
const DESCRIPTIVE = new Set(['duration', 'usage', 'callers', 'breakdown']);

export interface FunctionData {
  fn: MappedFunction;
  codeObjects: CodeObject[];
  insights: Insight[];
}

export type LensPlan =
  | { kind: 'insight'; line: number; fn: MappedFunction; insight: Insight; codeObjects: string[] }
  | { kind: 'figures'; line: number; fn: MappedFunction; primary: CodeObject; codeObjects: string[] }
  | { kind: 'neverReached'; line: number; fn: MappedFunction; codeObjects: string[] };

export interface LensOptions {
  minSeverity: Severity;
  /** At most this many insight lenses per function (most severe first). */
  maxInsightLenses: number;
  /** The engine has data at all: only then is "never reached" a finding rather than "no data yet". */
  engineHasData: boolean;
}

/** Endpoint first (what users think in), then function, then span; ties by call count. */
export function pickPrimary(codeObjects: readonly CodeObject[]): CodeObject | undefined {
  const order = { endpoint: 0, function: 1, span: 2 } as const;
  let best: CodeObject | undefined;
  for (const co of codeObjects) {
    if (!best || order[co.kind] < order[best.kind] || (order[co.kind] === order[best.kind] && co.count > best.count)) {
      best = co;
    }
  }
  return best;
}

/** Most severe first; among equals, active before evaluating, then the most recent. */
export function sortInsights(insights: readonly Insight[]): Insight[] {
  const statusRank = { regression: 0, active: 1, evaluating: 2, 'possibly-fixed': 3 } as const;
  return [...insights].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || statusRank[a.status] - statusRank[b.status] || b.lastSeen - a.lastSeen,
  );
}

/**
 * The code objects an insight speaks about: its own, plus the ones its figures name (`…CodeObject`
 * / `…CodeObjects`, e.g. the span an N+1 repeats under), so it shows on the function that owns them.
 */
export function attributionKeys(insight: Insight): string[] {
  const keys = [insight.codeObject];
  for (const [name, v] of Object.entries(insight.figures)) {
    if (!/CodeObjects?$/.test(name)) {
      continue;
    }
    for (const k of Array.isArray(v) ? v : [v]) {
      if (typeof k === 'string' && k !== insight.codeObject) {
        keys.push(k);
      }
    }
  }
  return keys;
}

/** Joins the document map with engine data: per function, its code objects and insights. */
export function functionData(map: DocumentMap, codeObjects: readonly CodeObject[], insights: readonly Insight[]): FunctionData[] {
  const matched = map.match ? map.match(codeObjects) : matchCodeObjects(map, codeObjects);
  const insightsByObject = new Map<string, Insight[]>();
  for (const ins of insights) {
    for (const key of attributionKeys(ins)) {
      pushTo(insightsByObject, key, ins);
    }
  }
  return map.functions.map((fn, i) => {
    const cos = matched.get(i) ?? [];
    const own = new Map<string, Insight>();
    // An engine-raised neverReached insight for a source key counts too.
    for (const key of [...cos.map((c) => c.id), ...fn.keys]) {
      for (const ins of insightsByObject.get(key) ?? []) {
        own.set(ins.id, ins);
      }
    }
    return { fn, codeObjects: cos, insights: [...own.values()] };
  });
}

/** The lenses of a document, cheaply: ranges and everything but the figures' numbers. */
export function planLenses(data: readonly FunctionData[], o: LensOptions): LensPlan[] {
  const min = severityRank(o.minSeverity);
  const out: LensPlan[] = [];
  for (const { fn, codeObjects, insights } of data) {
    const ids = codeObjects.map((c) => c.id);
    const neverReachedInsight = insights.some((i) => i.type === 'neverReached');
    if (codeObjects.length === 0) {
      if (neverReachedInsight || (o.engineHasData && isInstrumented(fn))) {
        out.push({ kind: 'neverReached', line: fn.line, fn, codeObjects: fn.keys });
      }
      continue;
    }
    const shown = sortInsights(insights.filter((i) => !DESCRIPTIVE.has(i.type) && i.type !== 'neverReached' && severityRank(i.severity) <= min && i.status !== 'possibly-fixed'));
    // The same finding raised at two scopes (endpoint and span) reads the same: one lens.
    const seen = new Set<string>();
    for (const insight of shown) {
      if (seen.size >= o.maxInsightLenses) {
        break;
      }
      if (!seen.has(insight.title)) {
        seen.add(insight.title);
        out.push({ kind: 'insight', line: fn.line, fn, insight, codeObjects: ids });
      }
    }
    const primary = pickPrimary(codeObjects);
    if (primary) {
      out.push({ kind: 'figures', line: fn.line, fn, primary, codeObjects: ids });
    }
  }
  return out;
}

const SEVERITY_ICON: Record<Severity, string> = {
  critical: '$(error)',
  high: '$(warning)',
  medium: '$(warning)',
  low: '$(info)',
  info: '$(info)',
};

/** "$(warning) N+1 queries (12×)": the insight's own one-line title with a severity icon. */
export function insightLensTitle(insight: Insight): string {
  const regression = insight.status === 'regression' ? ' (regression)' : '';
  return `${SEVERITY_ICON[insight.severity]} ${insight.title}${regression}`;
}

/** "p95 812 ms · 2.1% errors · 34/min" from the statistics and the user's template. */
export function figuresLensTitle(stats: CodeObjectStats, template: string): string {
  const d = stats.durationMs;
  return `$(pulse) ${renderTemplate(template, {
    p50: d.p50,
    p95: d.p95,
    p99: d.p99,
    mean: d.mean,
    max: d.max,
    errorRate: stats.errorRate,
    errors: stats.errors,
    rate: stats.ratePerMin.mean,
    count: stats.count,
  })}`;
}

export const NEVER_REACHED_TITLE = '$(circle-slash) Never reached';
