/**
 * The `spanlens.insights.*` settings the extension forwards to the engine. Every setting declared in
 * package.json as `spanlens.insights.<path>` becomes `insights.<path>` of the engine config file that
 * the engine lays over its defaults (`resolveInsightConfig`, src/engine/insights/config.ts), so adding
 * a threshold to the manifest is all it takes. Pure (no vscode): unit tested against the engine.
 */
import type { SpanLensConfig } from '../config';

export const INSIGHT_SETTINGS_PREFIX = 'spanlens.insights.';

/** The insight settings the manifest declares, as paths below `spanlens.insights.` (e.g. `nPlusOne.minRepeats`). */
export function declaredInsightSettings(manifest: unknown): string[] {
  const conf = (manifest as { contributes?: { configuration?: unknown } } | undefined)?.contributes?.configuration;
  const sections = (Array.isArray(conf) ? conf : conf ? [conf] : []) as { properties?: Record<string, unknown> }[];
  return sections
    .flatMap((s) => Object.keys(s.properties ?? {}))
    .filter((k) => k.startsWith(INSIGHT_SETTINGS_PREFIX))
    .map((k) => k.slice(INSIGHT_SETTINGS_PREFIX.length))
    .sort();
}

function lookup(values: unknown, path: string): unknown {
  if (typeof values !== 'object' || values === null) {
    return undefined;
  }
  // VS Code gives the `insights` section as nested objects; a flat `a.b` key is accepted too.
  const flat = (values as Record<string, unknown>)[path];
  if (flat !== undefined) {
    return flat;
  }
  let cur: unknown = values;
  for (const part of path.split('.')) {
    cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[part] : undefined;
  }
  return cur;
}

/**
 * The `insights` section of the engine config file: the value of every declared setting that is a
 * non-negative number, nested by its path. Anything else (undeclared keys, wrong types, which the
 * engine would refuse to start with) is left out, so the engine keeps its default there.
 */
export function insightsSection(values: unknown, declared: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of declared) {
    const v = lookup(values, path);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      continue;
    }
    const parts = path.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) {
      node = (node[p] ??= {}) as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = v;
  }
  return out;
}

/** Content of the engine config file the extension writes (`--config`): engine limits and insight thresholds. */
export function engineConfigFile(c: SpanLensConfig, declaredInsights: readonly string[]): { engine: Record<string, unknown>; insights: Record<string, unknown> } {
  return {
    engine: { retentionDays: c.engine.retentionDays, maxStorageMB: c.engine.maxStorageMB },
    insights: insightsSection(c.insights, declaredInsights),
  };
}
