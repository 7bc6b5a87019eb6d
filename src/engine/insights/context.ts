/**
 * The input every analyzer gets: the thresholds, the store's aggregates, the evaluation time and
 * the facts of the traces kept, with groupings built once per evaluation and shared by analyzers.
 */
import type { AggregateReader } from '../model';
import type { InsightConfig } from './config';
import type { InsightDraft } from './draft';
import { pickSamples } from './draft';
import type { CodeObject, CodeObjectStats } from '../../shared/api';
import type { Execution, ExceptionFact, ProducerFact, SegmentFacts, StatementFact, TraceFacts } from './traceFacts';

function group<T>(items: Iterable<T>, key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) {
      list.push(it);
    } else {
      m.set(k, [it]);
    }
  }
  return m;
}

export class AnalysisContext {
  private cache = new Map<string, unknown>();

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
    return this.memo('seg', () => group(this.facts.flatMap((f) => f.segments), (s) => s.endpoint));
  }

  /** Code-object key → its executions. */
  get executionsByKey(): Map<string, Execution[]> {
    return this.memo('exec', () => group(this.facts.flatMap((f) => f.executions), (e) => e.key));
  }

  get statementsByGroup(): Map<string, StatementFact[]> {
    return this.memo('stmt', () => group(this.facts.flatMap((f) => f.statements), (s) => s.group));
  }

  /** Span key → (flow → number of traces with it). */
  get flowsByKey(): Map<string, Map<string, number>> {
    return this.memo('flows', () => {
      const m = new Map<string, Map<string, number>>();
      for (const f of this.facts) {
        for (const [key, flow] of f.flows) {
          const fm = m.get(key) ?? new Map<string, number>();
          fm.set(flow, (fm.get(flow) ?? 0) + 1);
          m.set(key, fm);
        }
      }
      return m;
    });
  }

  /** Code-object key → exceptions that count for it. */
  get exceptionsByKey(): Map<string, ExceptionFact[]> {
    return this.memo('exc', () => {
      const m = new Map<string, ExceptionFact[]>();
      for (const f of this.facts) {
        for (const ex of f.exceptions) {
          for (const k of ex.keys) {
            const list = m.get(k) ?? [];
            list.push(ex);
            m.set(k, list);
          }
        }
      }
      return m;
    });
  }

  get factsByTrace(): Map<string, TraceFacts> {
    return this.memo('byTrace', () => new Map(this.facts.map((f) => [f.traceId, f] as const)));
  }

  get producers(): Map<string, ProducerFact> {
    return this.memo('prod', () => new Map(this.facts.flatMap((f) => f.producers).map((p) => [p.ref, p] as const)));
  }

  /** Code objects of the store. */
  get codeObjects(): CodeObject[] {
    return this.memo('co', () => this.reader.codeObjects());
  }

  /** Stats over all data of every span and endpoint code object (not functions), sorted by key. */
  get spanAndEndpointStats(): CodeObjectStats[] {
    return this.memo('coStats', () => {
      const out: CodeObjectStats[] = [];
      for (const co of this.codeObjects) {
        if (co.kind === 'function') {
          continue;
        }
        const st = this.reader.stats(co.id);
        if (st && st.count > 0) {
          out.push(st);
        }
      }
      return out.sort((a, b) => (a.codeObject.id < b.codeObject.id ? -1 : 1));
    });
  }

  /** Sample traces of a code object's executions (memoized: several analyzers show them). */
  samplesOf(key: string): InsightDraft['sampleTraceIds'] {
    return this.memo(`samples\u0000${key}`, () => pickSamples(this.executionsByKey.get(key) ?? []));
  }
}

export type Analyzer = (ctx: AnalysisContext) => InsightDraft[];
