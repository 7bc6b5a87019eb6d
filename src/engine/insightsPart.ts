/**
 * Wires the insights engine (src/engine/insights) into the engine process: it observes assembled
 * traces, reads the store's aggregates, saves its state with each checkpoint, and answers the API's
 * insights and compare routes. Evaluation is cached and repeated when new traces came in (or at
 * most every few seconds, as aggregates move too).
 */
import type { Insight } from '../shared/api';
import { insightCodeObjects, severityRank } from '../shared/api';
import type { InsightProvider, InsightQuery } from './api/routes';
import { codeObjectsForFile } from './api/routes';
import type { EngineConfig } from './config';
import { compareWithEngine } from './insights/compare';
import { resolveInsightConfig } from './insights/config';
import { InsightEngine, SNAPSHOT_VERSION } from './insights/engine';
import type { Logger } from './logger';
import type { AggregateReader } from './model';
import type { CheckpointParticipant } from './store/spanStore';

const MAX_AGE_MS = 5000;

export interface InsightsPart {
  engine: InsightEngine;
  provider: InsightProvider;
  observer: InsightEngine;
  participant: CheckpointParticipant;
  reset(): void;
}

export function createInsightsPart(store: AggregateReader, config: EngineConfig, log: Logger): InsightsPart {
  const insightConfig = resolveInsightConfig(config.sections.insights ?? {});
  const engine = new InsightEngine(insightConfig);
  let evaluatedVersion = -1;
  let evaluatedAt = 0;
  let current: Insight[] = [];
  const latest = (now: number): Insight[] => {
    if (engine.version !== evaluatedVersion || now - evaluatedAt > MAX_AGE_MS) {
      current = engine.evaluate(store, now);
      evaluatedVersion = engine.version;
      evaluatedAt = now;
      for (const f of engine.lastFailures) {
        log.warn(`analyzer ${f.type} failed: ${f.message}`);
      }
    }
    return current;
  };

  const provider: InsightProvider = {
    insights(q: InsightQuery): Insight[] {
      const now = Date.now();
      let list = q.window?.runId !== undefined ? engine.evaluateRun(store, q.window.runId, now) : latest(now);
      if (q.keys) {
        const keys = new Set(q.keys);
        list = list.filter((i) => insightCodeObjects(i).some((k) => keys.has(k)));
      }
      if (q.file) {
        const keys = new Set(codeObjectsForFile(store.codeObjects(), q.file).map((c) => c.id));
        list = list.filter((i) => insightCodeObjects(i).some((k) => keys.has(k)));
      }
      if (q.minSeverity) {
        const max = severityRank(q.minSeverity);
        list = list.filter((i) => severityRank(i.severity) <= max);
      }
      return q.limit ? list.slice(0, q.limit) : list;
    },
    compare(baseline, candidate) {
      return compareWithEngine(engine, store, baseline, candidate, Date.now()).comparison;
    },
  };

  return {
    engine,
    provider,
    observer: engine,
    participant: {
      name: 'insights',
      snapshot: () => engine.snapshot(),
      restore: (d) => {
        if (!engine.restore(d)) {
          log.warn('saved insights state is from another version: starting empty');
        }
      },
    },
    reset: () => {
      engine.restore({ version: SNAPSHOT_VERSION, traces: [], insights: [] });
      evaluatedVersion = -1;
    },
  };
}
