/**
 * Run comparison: every code object present in both runs with its p50/p95/error-rate change and
 * significance (Mann–Whitney on raw samples when the engine still has them, else on the runs'
 * histograms), sorted by impact (change × calls); plus insights new in the candidate and insights
 * of the baseline gone from it (`possibly-fixed`).
 */
import type { CompareResponse, CompareRow, Insight, RunInfo } from '../../shared/api';
import type { AggregateReader } from '../model';
import { DESCRIPTIVE_TYPES } from './analyzers';
import type { InsightConfig } from './config';
import { DEFAULT_INSIGHT_CONFIG } from './config';
import { relChange } from './durationChange';
import { displayName } from './draft';
import { significance } from './significance';
import type { InsightEngine } from './engine';

export class UnknownRunError extends Error {
  constructor(
    readonly runId: string,
    known: RunInfo[],
  ) {
    super(`unknown run '${runId}'; known runs: ${known.map((r) => r.id).join(', ') || 'none'}`);
    this.name = 'UnknownRunError';
  }
}

/** Raw duration samples (ms) of a code object in a run, when the engine still has them. */
export type SampleSource = (codeObject: string, runId: string) => number[] | undefined;

const finite = (x: number): number => (Number.isFinite(x) ? x : x > 0 ? 1e9 : -1e9);

export function compareRuns(
  reader: AggregateReader,
  baselineRunId: string,
  candidateRunId: string,
  insightsA: readonly Insight[],
  insightsB: readonly Insight[],
  samples?: SampleSource,
  config: InsightConfig = DEFAULT_INSIGHT_CONFIG,
): CompareResponse {
  const runs = reader.runs();
  const baseline = runs.find((r) => r.id === baselineRunId);
  const candidate = runs.find((r) => r.id === candidateRunId);
  if (!baseline) {
    throw new UnknownRunError(baselineRunId, runs);
  }
  if (!candidate) {
    throw new UnknownRunError(candidateRunId, runs);
  }
  const rows: CompareRow[] = [];
  for (const co of reader.codeObjects()) {
    const a = reader.stats(co.id, { runId: baselineRunId });
    const b = reader.stats(co.id, { runId: candidateRunId });
    if (!a || !b || a.count === 0 || b.count === 0) {
      continue;
    }
    const min = config.compare.minSamples;
    const sig =
      a.count >= min && b.count >= min
        ? significance({
            samplesA: samples?.(co.id, baselineRunId) ?? [],
            samplesB: samples?.(co.id, candidateRunId) ?? [],
            histogramA: a.histogram,
            histogramB: b.histogram,
            minSamples: min,
          })
        : undefined;
    const p50Change = finite(relChange(a.durationMs.p50, b.durationMs.p50));
    const p95Change = finite(relChange(a.durationMs.p95, b.durationMs.p95));
    const change = Math.abs(p50Change) >= Math.abs(p95Change) ? p50Change : p95Change;
    rows.push({
      codeObject: co.id,
      name: displayName(co.id),
      service: co.service,
      baseline: { count: a.count, p50Ms: a.durationMs.p50, p95Ms: a.durationMs.p95, errorRate: a.errorRate },
      candidate: { count: b.count, p50Ms: b.durationMs.p50, p95Ms: b.durationMs.p95, errorRate: b.errorRate },
      p50Change,
      p95Change,
      errorRateChange: b.errorRate - a.errorRate,
      pValue: sig ? sig.p : null,
      significant: sig !== undefined && sig.p < config.compare.alpha,
      impact: change * b.count,
    });
  }
  rows.sort((x, y) => y.impact - x.impact || (x.codeObject < y.codeObject ? -1 : 1));
  const warn = (list: readonly Insight[]): Map<string, Insight> => new Map(list.filter((i) => !DESCRIPTIVE_TYPES.has(i.type)).map((i) => [i.id, i] as const));
  const a = warn(insightsA);
  const b = warn(insightsB);
  const newInsights = [...b.values()].filter((i) => !a.has(i.id));
  const fixedInsights = [...a.values()].filter((i) => !b.has(i.id)).map((i) => ({ ...i, status: 'possibly-fixed' as const }));
  return { baseline, candidate, rows, newInsights, fixedInsights };
}

/** Both runs' insights from the engine (each run evaluated alone) and its raw samples: the API's and CLI's comparison. */
export function compareWithEngine(engine: InsightEngine, reader: AggregateReader, baselineRunId: string, candidateRunId: string, now: number): { comparison: CompareResponse; candidateInsights: Insight[] } {
  const candidateInsights = engine.evaluateRun(reader, candidateRunId, now);
  return { comparison: compareEvaluated(engine, reader, baselineRunId, candidateRunId, engine.evaluateRun(reader, baselineRunId, now), candidateInsights), candidateInsights };
}

/** `compareWithEngine` with both runs evaluated in slices (the running engine's API: no request holds the event loop for them). */
export async function compareWithEngineSliced(engine: InsightEngine, reader: AggregateReader, baselineRunId: string, candidateRunId: string, now: number, sliceMs: number): Promise<CompareResponse> {
  const candidateInsights = await engine.evaluateRunSliced(reader, candidateRunId, now, sliceMs);
  const baselineInsights = await engine.evaluateRunSliced(reader, baselineRunId, now, sliceMs);
  return compareEvaluated(engine, reader, baselineRunId, candidateRunId, baselineInsights, candidateInsights);
}

function compareEvaluated(engine: InsightEngine, reader: AggregateReader, baselineRunId: string, candidateRunId: string, baselineInsights: Insight[], candidateInsights: Insight[]): CompareResponse {
  return compareRuns(reader, baselineRunId, candidateRunId, baselineInsights, candidateInsights, (k, r) => engine.samples(k, r), engine.config);
}
