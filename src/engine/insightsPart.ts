/**
 * Wires the insights engine (src/engine/insights) into the engine process: it observes assembled
 * traces, reads the store's aggregates, saves its state with each checkpoint, and answers the API's
 * insights and compare routes.
 *
 * Evaluation never runs on a request: it runs in the background (insightsLoop.ts) in slices of a few
 * milliseconds, after new traces came in and every minute, and the API answers from the last result,
 * indexed by code object. A caller that needs results that include everything observed so far asks
 * for `fresh` and waits for the next evaluation.
 */
import type { Insight } from '../shared/api';
import { insightCodeObjects, severityRank } from '../shared/api';
import type { InsightProvider, InsightQuery } from './api/routes';
import { codeObjectsForFile } from './api/routes';
import type { EngineConfig } from './config';
import { compareWithEngineSliced } from './insights/compare';
import { resolveInsightConfig } from './insights/config';
import { InsightEngine, SNAPSHOT_VERSION } from './insights/engine';
import { EvaluationLoop, SLICE_MS } from './insightsLoop';
import type { Logger } from './logger';
import type { AggregateReader, AssembledTrace, TraceObserver } from './model';
import type { CheckpointParticipant } from './store/spanStore';
import { pushTo } from '../shared/collections';

export interface InsightsPart {
  engine: InsightEngine;
  provider: InsightProvider;
  observer: TraceObserver;
  participant: CheckpointParticipant;
  /** The background evaluation (its `fresh()` waits for results that include every observed trace). */
  loop: EvaluationLoop;
  reset(): void;
}

/** The last result with each insight listed under every code object it is about. */
class InsightIndex {
  private readonly byKey = new Map<string, number[]>();

  constructor(readonly all: readonly Insight[]) {
    all.forEach((i, n) => {
      for (const k of insightCodeObjects(i)) {
        pushTo(this.byKey, k, n);
      }
    });
  }

  /** The insights about any of `keys`, in the order of the whole list. */
  about(keys: Iterable<string>): Insight[] {
    const hits = new Set<number>();
    for (const k of keys) {
      for (const n of this.byKey.get(k) ?? []) {
        hits.add(n);
      }
    }
    return [...hits].sort((a, b) => a - b).map((n) => this.all[n]);
  }
}

export function createInsightsPart(store: AggregateReader, config: EngineConfig, log: Logger): InsightsPart {
  const engine = new InsightEngine(resolveInsightConfig(config.sections.insights ?? {}));
  let index = new InsightIndex([]);
  // Bumped when a result differs from the last one (what each insight says and its status), so the
  // editor, which polls /stats, knows to ask again.
  let version = 0;
  let signature = '';
  let published = 0;
  const publish = (list: readonly Insight[]): void => {
    index = new InsightIndex(list);
    published++;
    const sig = list.map((i) => `${i.id}\u0000${i.status}\u0000${i.title}`).join('\u0001');
    if (sig !== signature) {
      signature = sig;
      version++;
    }
  };
  const loop = new EvaluationLoop(engine, store, log, publish);

  const select = (list: readonly Insight[], q: InsightQuery, from: InsightIndex | undefined): Insight[] => {
    const idx = from ?? new InsightIndex(list);
    let out: Insight[] = [...list];
    if (q.keys) {
      out = idx.about(q.keys);
    }
    if (q.file) {
      const inFile = new Set(idx.about(codeObjectsForFile(store.codeObjects(), q.file).map((c) => c.id)));
      out = out.filter((i) => inFile.has(i));
    }
    if (q.minSeverity) {
      const max = severityRank(q.minSeverity);
      out = out.filter((i) => severityRank(i.severity) <= max);
    }
    return q.limit ? out.slice(0, q.limit) : out;
  };

  const provider: InsightProvider = {
    insights(q: InsightQuery): Insight[] | Promise<Insight[]> {
      if (q.window?.runId !== undefined) {
        return engine.evaluateRunSliced(store, q.window.runId, Date.now(), SLICE_MS).then((list) => select(list, q, undefined));
      }
      if (q.fresh) {
        return loop.fresh().then(() => select(index.all, q, index));
      }
      return select(index.all, q, index);
    },
    compare(baseline, candidate) {
      return compareWithEngineSliced(engine, store, baseline, candidate, Date.now(), SLICE_MS);
    },
    version: () => version,
    resultVersion: () => published,
  };

  const observer: TraceObserver = {
    observeTrace(trace: AssembledTrace): void {
      engine.observeTrace(trace);
      loop.changed();
    },
  };

  return {
    engine,
    provider,
    observer,
    loop,
    participant: {
      name: 'insights',
      snapshot: () => engine.snapshot(),
      restore: (d) => {
        if (!engine.restore(d)) {
          log.warn('saved insights state is from another version: starting empty');
        }
        publish(engine.insights());
        loop.changed();
      },
    },
    reset: () => {
      engine.restore({ version: SNAPSHOT_VERSION, traces: [], insights: [] });
      publish([]);
      loop.changed();
    },
  };
}
