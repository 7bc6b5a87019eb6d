/** Shared helpers of the insight tests: evaluate traces through the real InsightEngine. */
import type { Insight } from '../../../src/shared/api';
import type { AssembledTrace } from '../../../src/engine/model';
import { DESCRIPTIVE_TYPES } from '../../../src/engine/insights/analyzers';
import type { InsightConfig } from '../../../src/engine/insights/config';
import { resolveInsightConfig } from '../../../src/engine/insights/config';
import { InsightEngine } from '../../../src/engine/insights/engine';
import { MemoryReader } from './memoryReader';

export const T0 = Date.UTC(2026, 0, 1);

export interface Evaluated {
  insights: Insight[];
  engine: InsightEngine;
  reader: MemoryReader;
}

export function evaluate(traces: AssembledTrace[], o: { now?: number; config?: unknown; engine?: InsightEngine } = {}): Evaluated {
  const config: InsightConfig = resolveInsightConfig(o.config ?? {});
  const engine = o.engine ?? new InsightEngine(config);
  for (const t of traces) {
    engine.observeTrace(t);
  }
  const reader = new MemoryReader(traces);
  const insights = engine.evaluate(reader, o.now ?? T0 + 24 * 3600_000);
  if (engine.lastFailures.length > 0) {
    throw new Error(`analyzers failed: ${JSON.stringify(engine.lastFailures)}`);
  }
  return { insights, engine, reader };
}

/** `type codeObject` of every warning insight (descriptive types left out), sorted. */
export function warnings(insights: Insight[]): string[] {
  return insights
    .filter((i) => !DESCRIPTIVE_TYPES.has(i.type))
    .map((i) => `${i.type} ${i.codeObject}`)
    .sort();
}

export function ofType(insights: Insight[], type: Insight['type']): Insight[] {
  return insights.filter((i) => i.type === type);
}
