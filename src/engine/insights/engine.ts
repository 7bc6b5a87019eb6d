/**
 * The insights engine: a TraceObserver that keeps bounded per-trace facts (replaced, never added,
 * when the assembler hands a trace again with more spans) and evaluates every analyzer of the
 * catalog against them and the store's aggregates, keeping each insight's lifecycle across
 * evaluations: evaluating → active → possibly-fixed → regression.
 */
import type { Insight, InsightType } from '../../shared/api';
import { severityRank } from '../../shared/api';
import type { AggregateReader, AssembledTrace, StatsWindow, TraceObserver } from '../model';
import { ANALYZERS, DESCRIPTIVE_TYPES } from './analyzers';
import type { InsightConfig } from './config';
import { DEFAULT_INSIGHT_CONFIG } from './config';
import type { Analyzer } from './context';
import { AnalysisContext } from './context';
import type { InsightDraft } from './draft';
import { neverReached } from './neverReached';
import { RunScopedReader } from './runScope';
import type { SliceStats } from './slices';
import { runSliced, runToEnd } from './slices';
import type { TraceFacts } from './traceFacts';
import { extractTraceFacts } from './traceFacts';
import { loadTraceFacts } from './savedFacts';

/** 2: trace facts in their compact form (see factStore.ts); 1 (still read): as plain objects. */
export const SNAPSHOT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

export interface InsightEngineSnapshot {
  version: number;
  /** `TraceFacts` (saved through their `toJSON`) or, read back, what `loadTraceFacts` takes. */
  traces: readonly unknown[];
  insights: Insight[];
}

export interface AnalyzerFailure {
  type: InsightType;
  message: string;
}

export function compareInsights(a: Insight, b: Insight): number {
  return severityRank(a.severity) - severityRank(b.severity) || (a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export class InsightEngine implements TraceObserver {
  private readonly traces = new Map<string, TraceFacts>();
  private readonly states = new Map<string, Insight>();
  private latest: Insight[] = [];
  private changeCount = 0;
  /** Analyzers that threw in the last evaluation (the others still ran). */
  lastFailures: AnalyzerFailure[] = [];

  constructor(public config: InsightConfig = DEFAULT_INSIGHT_CONFIG) {}

  /** Grows with every observed trace: callers evaluate again only when it moved. */
  get version(): number {
    return this.changeCount;
  }

  get traceCount(): number {
    return this.traces.size;
  }

  observeTrace(trace: AssembledTrace): void {
    if (trace.spans.length === 0) {
      return;
    }
    this.traces.set(trace.traceId, extractTraceFacts(trace));
    this.changeCount++;
    // Evict the oldest traces (by start time) in chunks so the bound costs one sort per 10 % growth.
    if (this.traces.size > this.config.maxTraces + Math.max(1, Math.floor(this.config.maxTraces / 10))) {
      const keep = [...this.traces.values()].sort((a, b) => b.startUs - a.startUs || (a.traceId < b.traceId ? -1 : 1)).slice(0, this.config.maxTraces);
      const keepIds = new Set(keep.map((f) => f.traceId));
      for (const id of [...this.traces.keys()]) {
        if (!keepIds.has(id)) {
          this.traces.delete(id);
        }
      }
    }
  }

  /** Runs every analyzer at once; returns all current insights (most severe first) with their lifecycle. */
  evaluate(reader: AggregateReader, now: number): Insight[] {
    return runToEnd(this.evaluation(reader, now));
  }

  /**
   * The same evaluation in slices of about `sliceMs` with the event loop free in between (see
   * slices.ts): traces observed meanwhile count from the next evaluation on.
   */
  evaluateSliced(reader: AggregateReader, now: number, sliceMs: number, stats?: SliceStats): Promise<Insight[]> {
    return runSliced(this.evaluation(reader, now), sliceMs, stats);
  }

  private *evaluation(reader: AggregateReader, now: number): Generator<void, Insight[], void> {
    const failures: AnalyzerFailure[] = [];
    const drafts = yield* this.drafts(new AnalysisContext(this.config, reader, now, this.sortedFacts()), failures);
    this.lastFailures = failures;
    this.latest = this.applyLifecycle(drafts, now);
    return this.latest;
  }

  private sortedFacts(runId?: string): TraceFacts[] {
    const all = [...this.traces.values()];
    return (runId === undefined ? all : all.filter((f) => f.runId === runId)).sort((a, b) => (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
  }

  /** Every analyzer's drafts; an analyzer that throws is reported in `failures` and the others go on. */
  private *drafts(ctx: AnalysisContext, failures: AnalyzerFailure[]): Generator<void, InsightDraft[], void> {
    yield* ctx.prepare();
    const drafts: InsightDraft[] = [];
    for (const [type, analyze] of Object.entries(ANALYZERS) as [InsightType, Analyzer][]) {
      try {
        const r = analyze(ctx);
        drafts.push(...(Array.isArray(r) ? r : yield* r));
      } catch (e) {
        failures.push({ type, message: e instanceof Error ? e.message : String(e) });
      }
      yield;
    }
    return drafts;
  }

  /**
   * The insights of one run alone (its traces and its aggregates), without lifecycle: for run
   * comparison. Status is `active` or `evaluating` by the evidence.
   */
  evaluateRun(reader: AggregateReader, runId: string, now: number): Insight[] {
    return runToEnd(this.runEvaluation(reader, runId, now));
  }

  /** `evaluateRun` in slices (see `evaluateSliced`). */
  evaluateRunSliced(reader: AggregateReader, runId: string, now: number, sliceMs: number): Promise<Insight[]> {
    return runSliced(this.runEvaluation(reader, runId, now), sliceMs);
  }

  private *runEvaluation(reader: AggregateReader, runId: string, now: number): Generator<void, Insight[], void> {
    // Failures are reported by evaluate(); a run comparison goes on with the other analyzers.
    const drafts = yield* this.drafts(new AnalysisContext(this.config, new RunScopedReader(reader, runId), now, this.sortedFacts(runId)), []);
    return drafts.map(({ confirmed, ...d }): Insight => ({ ...d, firstSeen: now, lastSeen: now, status: confirmed ? 'active' : 'evaluating' })).sort(compareInsights);
  }

  /** Durations (ms) of a code object's executions in one run among the kept traces: raw samples for significance tests. */
  samples(codeObject: string, runId: string): number[] {
    const out: number[] = [];
    for (const f of this.traces.values()) {
      if (f.runId !== runId) {
        continue;
      }
      for (let i = 0; i < f.executionCount; i++) {
        if (f.executionKey(i) === codeObject) {
          out.push(f.executionDurUs(i) / 1000);
        }
      }
    }
    return out;
  }

  /** The result of the last evaluation. */
  insights(): Insight[] {
    return this.latest;
  }

  /** `neverReached` for instrumented keys from the workspace mapping (see neverReached.ts). */
  neverReached(instrumentedKeys: Iterable<string>, reader: AggregateReader, now: number, window?: StatsWindow): Insight[] {
    return neverReached(instrumentedKeys, reader, now, window);
  }

  private applyLifecycle(drafts: InsightDraft[], now: number): Insight[] {
    const seen = new Set<string>();
    for (const { confirmed, ...d } of drafts) {
      if (seen.has(d.id)) {
        continue;
      }
      seen.add(d.id);
      const prev = this.states.get(d.id);
      const status: Insight['status'] =
        prev && (prev.status === 'possibly-fixed' || prev.status === 'regression') ? 'regression' : confirmed ? 'active' : 'evaluating';
      this.states.set(d.id, { ...d, firstSeen: prev?.firstSeen ?? now, lastSeen: now, status });
    }
    for (const [id, prev] of this.states) {
      if (seen.has(id)) {
        continue;
      }
      if (DESCRIPTIVE_TYPES.has(prev.type) || prev.status === 'evaluating' || now - prev.lastSeen > this.config.forgetAfterMs) {
        this.states.delete(id);
      } else if (prev.status !== 'possibly-fixed') {
        this.states.set(id, { ...prev, status: 'possibly-fixed' });
      }
    }
    return [...this.states.values()].sort(compareInsights);
  }

  snapshot(): InsightEngineSnapshot {
    return { version: SNAPSHOT_VERSION, traces: [...this.traces.values()], insights: [...this.states.values()] };
  }

  /**
   * Restores a snapshot (parsed JSON) of this version or an earlier readable one. Anything else is
   * ignored and reported by returning false: the engine then starts empty rather than failing.
   * Saved traces that are not valid are left out.
   */
  restore(s: unknown): boolean {
    if (typeof s !== 'object' || s === null) {
      return false;
    }
    const snap = s as Partial<InsightEngineSnapshot>;
    if (!READABLE_VERSIONS.includes(snap.version as number) || !Array.isArray(snap.traces) || !Array.isArray(snap.insights)) {
      return false;
    }
    this.traces.clear();
    this.states.clear();
    for (const t of snap.traces) {
      const facts = loadTraceFacts(t);
      if (facts) {
        this.traces.set(facts.traceId, facts);
      }
    }
    for (const i of snap.insights) {
      if (i && typeof i.id === 'string' && typeof i.type === 'string') {
        this.states.set(i.id, i);
      }
    }
    this.latest = [...this.states.values()].sort(compareInsights);
    this.changeCount++;
    return true;
  }
}
