/**
 * Which engine data belongs to a mapped document: the code objects (by file, span names, keys, and
 * endpoints by route) and their insights, joined per function. No `vscode`: the DocumentDataService
 * caches it per document version, and tests run it against the real engine.
 */
import type { EngineApi } from '../engineClient/apiClient';
import type { CodeObject, Insight } from '../shared/api';
import type { DocumentMap } from './codeMap';
import { endpointRouteKey, normalizeRoute } from './codeMap';
import type { FunctionData } from './lensModel';
import { functionData } from './lensModel';
import { attributeStatements } from './statements';

export interface LookupOptions {
  signal?: AbortSignal;
  /** Every endpoint the engine knows (cached by the caller across documents). */
  endpoints: () => Promise<CodeObject[]>;
  /** The document's text and the engine's statement insights (N+1, slow query): attributed by SQL literal. */
  text?: string;
  statementInsights?: () => Promise<Insight[]>;
}

export async function lookupDocument(api: EngineApi, map: DocumentMap, o: LookupOptions): Promise<FunctionData[]> {
  const signal = o.signal;
  const spanNames = [...new Set(map.functions.flatMap((f) => f.spanNames))];
  const keys = [...new Set(map.functions.flatMap((f) => f.keys))];
  const routeKeys = new Set(map.functions.flatMap((f) => f.routes.map((r) => `${r.method.toUpperCase()} ${normalizeRoute(r.path)}`)));
  const [{ codeObjects: found }, endpoints] = await Promise.all([
    api.lookup({ files: [map.path], spanNames, keys }, { signal }),
    routeKeys.size ? o.endpoints() : Promise.resolve([]),
  ]);
  // Endpoints are found by route: the engine keys them by service, which the source does not know.
  const seen = new Set(found.map((c) => c.id));
  const codeObjects = [...found, ...endpoints.filter((e) => !seen.has(e.id) && routeKeys.has(endpointRouteKey(e.name)))];
  const ids = [...new Set([...codeObjects.map((c) => c.id), ...keys])];
  const [{ insights }, statementInsights] = await Promise.all([
    ids.length ? api.insights({ keys: ids }, { signal }) : Promise.resolve({ insights: [] as Insight[] }),
    // Best effort: without them only the N+1 lens on the query's own function is missing.
    o.text !== undefined && o.statementInsights ? o.statementInsights().catch(() => []) : Promise.resolve([]),
  ]);
  const data = functionData(map, codeObjects, insights);
  if (o.text !== undefined) {
    for (const [i, found] of attributeStatements(map, o.text, statementInsights)) {
      const d = data[i];
      // The same finding at endpoint and span scope reads the same: keep one.
      const titles = new Set(d.insights.map((x) => `${x.type}\u0000${x.title}`));
      for (const x of found) {
        const t = `${x.type}\u0000${x.title}`;
        if (!titles.has(t)) {
          titles.add(t);
          d.insights.push(x);
        }
      }
    }
  }
  return data;
}

/** Insights that name a database statement (N+1, slow query), engine-wide. */
export async function fetchStatementInsights(api: EngineApi, signal?: AbortSignal): Promise<Insight[]> {
  const { insights } = await api.insights({ minSeverity: 'low', limit: 5_000 }, { signal, timeoutMs: 15_000 });
  return insights.filter((i) => typeof i.figures.statement === 'string');
}

/** All endpoints of the engine (one request; the list is small next to spans). */
export async function fetchEndpoints(api: EngineApi, signal?: AbortSignal): Promise<CodeObject[]> {
  return (await api.codeObjects({ kind: 'endpoint', limit: 10_000 }, { signal })).codeObjects;
}
