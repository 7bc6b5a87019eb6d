/**
 * The input every analyzer gets: the thresholds, the store's aggregates, the evaluation time and
 * the facts of the traces kept, with groupings built once per evaluation and shared by analyzers.
 */
import type { AggregateReader } from '../model';
import type { InsightConfig } from './config';
import type { InsightDraft } from './draft';
import { pickSamples } from './draft';
import { runToEnd } from './slices';
import type { CodeObject, CodeObjectStats } from '../../shared/api';
import type { Execution, ExceptionFact, ProducerFact, SegmentFacts, StatementFact, TraceFacts } from './traceFacts';
import { pushTo } from '../../shared/collections';

/** Traces grouped between two yields of a sliced evaluation. */
const CHUNK = 100;

/** The groupings every evaluation builds once and the analyzers share. */
interface Built {
  seg: Map<string, SegmentFacts[]>;
  exec: Map<string, Execution[]>;
  stmt: Map<string, StatementFact[]>;
  exc: Map<string, ExceptionFact[]>;
  flows: Map<string, Map<string, number>>;
  coStats: CodeObjectStats[];
}

export class AnalysisContext {
  private cache = new Map<string, unknown>();
  private readonly segments = new Map<TraceFacts, SegmentFacts[]>();

  constructor(
    readonly config: InsightConfig,
    readonly reader: AggregateReader,
    readonly now: number,
    /** Facts of the kept traces, sorted by traceId (so every grouping is order-independent). */
    readonly facts: readonly TraceFacts[],
  ) {}

  private memo<T>(name: string, build: () => T): T {
    if (!this.cache.has(name)) {
      this.cache.set(name, build());
    }
    return this.cache.get(name) as T;
  }

  /** Endpoint key → its segments (one per request). */
  get segmentsByEndpoint(): Map<string, SegmentFacts[]> {
    return this.built('seg');
  }

  /** Code-object key → its executions. */
  get executionsByKey(): Map<string, Execution[]> {
    return this.built('exec');
  }

  get statementsByGroup(): Map<string, StatementFact[]> {
    return this.built('stmt');
  }

  /** Span key → (flow → number of traces with it). */
  get flowsByKey(): Map<string, Map<string, number>> {
    return this.built('flows');
  }

  /** Code-object key → exceptions that count for it. */
  get exceptionsByKey(): Map<string, ExceptionFact[]> {
    return this.built('exc');
  }

  /** The shared groupings, each built by a generator that yields every CHUNK traces (see `prepare`). */
  private builders(): { [K in keyof Built]: () => Generator<void, Built[K]> } {
    return {
      seg: () => this.grouped((f) => this.segmentsOf(f), (s) => s.endpoint),
      exec: () => this.grouped((f) => f.executions(), (e) => e.key),
      stmt: () => this.grouped((f) => f.statements(), (st) => st.group),
      exc: () => this.grouped((f) => f.exceptions, (ex) => ex.keys),
      flows: () => this.countFlows(),
      coStats: () => this.readStats(),
    };
  }

  private built<K extends keyof Built>(name: K): Built[K] {
    return this.memo(name, () => runToEnd(this.builders()[name]()));
  }

  private *grouped<T>(items: (f: TraceFacts) => readonly T[], keys: (t: T) => string | readonly string[]): Generator<void, Map<string, T[]>> {
    const m = new Map<string, T[]>();
    for (let i = 0; i < this.facts.length; i++) {
      if (i % CHUNK === CHUNK - 1) {
        yield;
      }
      for (const it of items(this.facts[i])) {
        const ks = keys(it);
        if (typeof ks === 'string') {
          pushTo(m, ks, it);
        } else {
          for (const k of ks) {
            pushTo(m, k, it);
          }
        }
      }
    }
    return m;
  }

  private *countFlows(): Generator<void, Map<string, Map<string, number>>> {
    const m = new Map<string, Map<string, number>>();
    for (let i = 0; i < this.facts.length; i++) {
      if (i % CHUNK === CHUNK - 1) {
        yield;
      }
      this.facts[i].forEachFlow((key, flow) => {
        const fm = m.get(key) ?? new Map<string, number>();
        fm.set(flow, (fm.get(flow) ?? 0) + 1);
        m.set(key, fm);
      });
    }
    return m;
  }

  /** The segments of a kept trace, made once per evaluation. */
  segmentsOf(f: TraceFacts): SegmentFacts[] {
    let segs = this.segments.get(f);
    if (!segs) {
      segs = f.segments();
      this.segments.set(f, segs);
    }
    return segs;
  }

  get factsByTrace(): Map<string, TraceFacts> {
    return this.memo('byTrace', () => new Map(this.facts.map((f) => [f.traceId, f] as const)));
  }

  get producers(): Map<string, ProducerFact> {
    return this.memo('prod', () => new Map(this.facts.flatMap((f) => f.producers()).map((p) => [p.ref, p] as const)));
  }

  /** Code objects of the store. */
  get codeObjects(): CodeObject[] {
    return this.memo('co', () => this.reader.codeObjects());
  }

  /** Stats over all data of every span and endpoint code object (not functions), sorted by key. */
  get spanAndEndpointStats(): CodeObjectStats[] {
    return this.built('coStats');
  }

  private *readStats(): Generator<void, CodeObjectStats[]> {
    const out: CodeObjectStats[] = [];
    for (const co of this.codeObjects) {
      yield;
      if (co.kind === 'function') {
        continue;
      }
      const st = this.reader.stats(co.id);
      if (st && st.count > 0) {
        out.push(st);
      }
    }
    return out.sort((a, b) => (a.codeObject.id < b.codeObject.id ? -1 : 1));
  }

  /**
   * Builds what the analyzers share (groupings of the kept traces, the store's stats) piece by piece,
   * yielding in between, so a sliced evaluation never holds the event loop for all of it at once.
   */
  *prepare(): Generator<void, void> {
    const builders = this.builders();
    for (const name of Object.keys(builders) as (keyof Built)[]) {
      yield;
      if (!this.cache.has(name)) {
        this.cache.set(name, yield* builders[name]());
      }
    }
  }

  /** Stats over all data of one code object, read once per evaluation (those of spans and endpoints come with `spanAndEndpointStats`). */
  statsOf(key: string): CodeObjectStats | undefined {
    let byKey = this.cache.get('statsByKey') as Map<string, CodeObjectStats | undefined> | undefined;
    if (!byKey) {
      byKey = new Map(this.spanAndEndpointStats.map((st) => [st.codeObject.id, st] as const));
      this.cache.set('statsByKey', byKey);
    }
    if (!byKey.has(key)) {
      byKey.set(key, this.reader.stats(key));
    }
    return byKey.get(key);
  }

  /** Sample traces of a code object's executions (memoized: several analyzers show them). */
  samplesOf(key: string): InsightDraft['sampleTraceIds'] {
    return this.memo(`samples\u0000${key}`, () => pickSamples(this.executionsByKey.get(key) ?? []));
  }
}

/** An analyzer that yields between code objects (see slices.ts); it returns its drafts at the end. */
export type AnalyzerRun = Generator<void, InsightDraft[], void>;

/** Plain analyzers return their drafts; the costly ones are generators that yield between code objects. */
export type Analyzer = (ctx: AnalysisContext) => InsightDraft[] | AnalyzerRun;
