/**
 * Every threshold of the insight catalog (shared/docs/insights.md) in one typed object. The engine
 * config file (`insights` section) and the extension settings override any subset of it through
 * `resolveInsightConfig`; everything not given keeps the catalog's default.
 */

export interface InsightConfig {
  /** Traces whose derived facts are kept for pattern analysis (oldest by start time go first). */
  maxTraces: number;
  /** A pattern insight seen in fewer traces of its endpoint than this stays `evaluating`. */
  minTracesForActive: number;
  /** Possibly-fixed insights not seen again for this long are forgotten (ms). */
  forgetAfterMs: number;

  durationChange: {
    /** The recent window (ms) compared with everything before it when there are no runs to compare. */
    recentWindowMs: number;
    /** Relative change of p50 or p95 that counts (0.1 = 10 %). */
    minChange: number;
    /** Absolute change that counts (ms); 0.01 ms = 10 µs. */
    minChangeMs: number;
    /** Samples needed on each side. */
    minSamples: number;
    /** p-value of the Mann–Whitney U test below which the change is `active`. */
    alpha: number;
  };
  bottleneck: {
    /** Share of the endpoint's duration the span (with its children) takes. */
    minShare: number;
    /** Share of the endpoint's requests in which it does. */
    minRequestShare: number;
  };
  nPlusOne: {
    /** Same statement under one parent at least this many times in one trace. */
    minRepeats: number;
    /** … in at least this share of the endpoint's traces. */
    minTraceShare: number;
  };
  chattyApi: { minRepeats: number; minTraceShare: number };
  highQueryCount: {
    /** Median DB spans per request. */
    minMedianQueries: number;
    /** … and at least this many times the median of the service's endpoints. */
    minRatio: number;
  };
  slowEndpoint: { minRatio: number; minP50Ms: number };
  slowQuery: { minRatio: number; minP50Ms: number };
  longTail: { minRatio: number; minSamples: number };
  scaling: {
    minBuckets: number;
    minBucketSamples: number;
    /** Top bucket p50 vs the concurrency-1 bucket. */
    minRatio: number;
    minSpearman: number;
    /** First bucket whose p50 reaches this ratio of the baseline is the knee. */
    kneeRatio: number;
  };
  errorHotspot: {
    minErrorRate: number;
    minErrors: number;
    /** Score (0–100) from which it is a hotspot. */
    minScore: number;
    /** Errors within this window (ms) count as recent for the score. */
    recentWindowMs: number;
  };
  usage: {
    /** lowUsage when max calls/min is below this share of the service median. */
    lowRatio: number;
    /** highUsage when max calls/min is above this multiple of the service median. */
    highRatio: number;
  };
  callers: { minFlows: number; maxFlows: number };
  queueWait: { minWaitP95Ms: number; minShare: number };
  /** Run comparison (`compare`, `check`). */
  compare: {
    /** Calls needed on each side for a significance test. */
    minSamples: number;
    /** p-value below which a change is significant. */
    alpha: number;
  };
}

export const DEFAULT_INSIGHT_CONFIG: InsightConfig = {
  maxTraces: 5000,
  minTracesForActive: 10,
  forgetAfterMs: 7 * 24 * 3600_000,
  durationChange: { recentWindowMs: 60 * 60_000, minChange: 0.1, minChangeMs: 0.01, minSamples: 30, alpha: 0.01 },
  bottleneck: { minShare: 0.4, minRequestShare: 0.2 },
  nPlusOne: { minRepeats: 5, minTraceShare: 0.1 },
  chattyApi: { minRepeats: 5, minTraceShare: 0.1 },
  highQueryCount: { minMedianQueries: 10, minRatio: 2 },
  slowEndpoint: { minRatio: 1.5, minP50Ms: 100 },
  slowQuery: { minRatio: 3, minP50Ms: 20 },
  longTail: { minRatio: 5, minSamples: 100 },
  scaling: { minBuckets: 3, minBucketSamples: 10, minRatio: 2, minSpearman: 0.5, kneeRatio: 1.5 },
  errorHotspot: { minErrorRate: 0.05, minErrors: 5, minScore: 70, recentWindowMs: 60 * 60_000 },
  usage: { lowRatio: 0.1, highRatio: 3 },
  callers: { minFlows: 2, maxFlows: 5 },
  queueWait: { minWaitP95Ms: 1000, minShare: 0.5 },
  compare: { minSamples: 10, alpha: 0.05 },
};

/** Thrown for an override that does not fit the schema: names the path and what was expected. */
export class InsightConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsightConfigError';
  }
}

/**
 * The defaults with `overrides` (parsed JSON from the config file or settings) laid over them.
 * Unknown keys and values of the wrong type are rejected with a message naming them.
 */
export function resolveInsightConfig(overrides: unknown): InsightConfig {
  return merge(DEFAULT_INSIGHT_CONFIG, overrides ?? {}, 'insights') as unknown as InsightConfig;
}

function merge(defaults: object, over: unknown, path: string): object {
  if (typeof over !== 'object' || over === null || Array.isArray(over)) {
    throw new InsightConfigError(`${path}: expected an object`);
  }
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    const d = (defaults as Record<string, unknown>)[k];
    const p = `${path}.${k}`;
    if (d === undefined) {
      throw new InsightConfigError(`${p}: unknown setting`);
    }
    if (typeof d === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new InsightConfigError(`${p}: expected a non-negative number, got ${JSON.stringify(v)}`);
      }
      out[k] = v;
    } else {
      out[k] = merge(d as object, v, p);
    }
  }
  return out;
}
