/**
 * `GET /api/v1/insights`: from the insights engine when it is wired (plain queries answered from a
 * cache of the last result's JSON), else the basic duration/usage insights over the aggregates.
 */
import type { CodeObject, CompareResponse, Insight, InsightsResponse, Severity } from '../../shared/api';
import { severityRank } from '../../shared/api';
import type { StatsWindow } from '../model';
import { basicInsights } from './basicInsights';
import { JsonText } from './http';
import type { ApiContext } from './routes';
import { optFlag, optInt, optList, optSeverity, optString, windowOf } from './validate';

export interface InsightQuery {
  keys?: string[];
  file?: string;
  minSeverity?: Severity;
  limit?: number;
  window?: StatsWindow;
  /** Wait for an evaluation that includes every trace observed so far (else: the last result). */
  fresh?: boolean;
}

/** What the insights engine offers the API (wired in server.ts once it exists). */
export interface InsightProvider {
  /** From the last background evaluation, or a promise when the query needs one (`fresh`, a run). */
  insights(q: InsightQuery): Insight[] | Promise<Insight[]>;
  compare?(baseline: string, candidate: string): CompareResponse | undefined | Promise<CompareResponse | undefined>;
  /** Grows whenever the insights the API answers with changed (for `StatsResponse.insightsVersion`). */
  version?(): number;
  /**
   * Grows with every result the plain queries answer from (each background evaluation): answers
   * are cached until it or the store's code objects change.
   */
  resultVersion?(): number;
}

function normPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** Whether a code.* file path and a workspace path name the same file (one may be relative). */
export function sameFile(codePath: string, file: string): boolean {
  const a = normPath(codePath);
  const b = normPath(file);
  if (a === b) {
    return true;
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return long.endsWith(short) && long[long.length - short.length - 1] === '/';
}

export function codeObjectsForFile(cos: CodeObject[], file: string): CodeObject[] {
  return cos.filter((c) => c.code?.filepath !== undefined && sameFile(c.code.filepath, file));
}

export function insightsHandler(ctx: ApiContext): (req: { query: URLSearchParams }) => Promise<InsightsResponse | JsonText> {
  const store = ctx.pipeline.store;
  // Plain insights queries (no run, not fresh) answered from the last result, as JSON text: the
  // editor asks the same file again and again, and serializing the answer was most of the cost.
  const insightsCache = new Map<string, { token: string; text: JsonText }>();
  const insights = async (req: { query: URLSearchParams }): Promise<InsightsResponse | JsonText> => {
    const { query } = req;
    const version = ctx.insights?.resultVersion?.();
    if (version === undefined || query.has('run') || optFlag(query, 'fresh')) {
      return insightsAnswer(query);
    }
    const key = [...query].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
    const token = `${version}|${store.registry.version}`;
    const hit = insightsCache.get(key);
    if (hit?.token === token) {
      return hit.text;
    }
    const text = new JsonText(JSON.stringify(await insightsAnswer(query)));
    if (insightsCache.size >= 64) {
      insightsCache.clear();
    }
    insightsCache.set(key, { token, text });
    return text;
  };

  const insightsAnswer = async (query: URLSearchParams): Promise<InsightsResponse> => {
    const keys = optList(query, 'keys');
    const file = optString(query, 'file');
    const minSeverity = optSeverity(query, 'minSeverity');
    const limit = optInt(query, 'limit', 1, 10_000);
    const window = windowOf(query);
    let list: Insight[];
    if (ctx.insights) {
      const q: InsightQuery = { window };
      if (keys) {
        q.keys = keys;
      }
      if (file) {
        q.file = file;
      }
      if (minSeverity) {
        q.minSeverity = minSeverity;
      }
      if (limit) {
        q.limit = limit;
      }
      if (optFlag(query, 'fresh')) {
        q.fresh = true;
      }
      list = await ctx.insights.insights(q);
    } else {
      let cos = store.codeObjects();
      if (keys) {
        const k = new Set(keys);
        cos = cos.filter((c) => k.has(c.id));
      }
      if (file) {
        const inFile = codeObjectsForFile(cos, file);
        // Span names and endpoints recorded in a function of that file count for the file too.
        const fnIds = new Set(inFile.map((c) => c.id));
        cos = cos.filter((c) => fnIds.has(c.id));
      }
      list = basicInsights(store, cos, window, (k) => store.exemplars(k));
    }
    if (minSeverity) {
      list = list.filter((i) => severityRank(i.severity) <= severityRank(minSeverity));
    }
    list.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
    return { insights: limit ? list.slice(0, limit) : list };
  };

  return insights;
}
