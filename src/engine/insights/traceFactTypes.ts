/** What `extractTraceFacts` (traceFacts.ts) derives from one assembled trace, for the analyzers. */
import type { ExceptionFacts, KindCategory } from './spanFacts';

export interface RepeatFact {
  kind: 'db' | 'http';
  /** Span code object of the repeated spans. */
  spanKey: string;
  /** Span code object of the parent they repeat under. */
  parentKey: string;
  /** Normalized statement, or `METHOD host /path` for HTTP. */
  target: string;
  /** Most repeats under one parent in this request. */
  repeats: number;
  /** Time (µs, summed) of the repeats in that group. */
  timeUs: number;
}

export type BreakdownKind = KindCategory | 'self';

export interface SegmentFacts {
  endpoint: string;
  service: string;
  traceId: string;
  runId: string;
  spanId: string;
  startUs: number;
  durUs: number;
  error: boolean;
  dbCount: number;
  repeats: RepeatFact[];
  /**
   * Span code object → time covered by its spans (with children), µs, clipped to the root. Entry
   * spans (SERVER/CONSUMER) inside the segment are left out: they are the request itself, seen by
   * another layer.
   */
  coverUs: Record<string, number>;
  /**
   * Span code object → the largest `coverUs` of another code object under its spans (µs): a span
   * whose descendant holds the share merely wraps it (absent in facts saved by older versions).
   */
  innerUs?: Record<string, number>;
  /** Exclusive time by kind (µs). */
  byKind: Record<BreakdownKind, number>;
  /** Direct children of the root by span code object → covered time (µs). */
  byChild: Record<string, number>;
  /** `traceId:spanId` of the producer span this consumer segment waited for. */
  producerRef?: string;
}

export interface Execution {
  key: string;
  traceId: string;
  runId: string;
  startUs: number;
  durUs: number;
  error: boolean;
  /** For endpoint executions: index of the segment in `TraceFacts.segments`. */
  segment?: number;
}

export interface StatementFact {
  /** `db.system|db.name`: statements are compared within one database. */
  group: string;
  statement: string;
  spanKey: string;
  traceId: string;
  durUs: number;
}

export interface ExceptionFact extends ExceptionFacts {
  /** Span, function and endpoint keys this exception counts for. */
  keys: string[];
  traceId: string;
  /** The endpoint of the segment failed too: the error escaped. */
  unhandled: boolean;
}

export interface ProducerFact {
  ref: string;
  startUs: number;
  endUs: number;
  key: string;
}

export interface TraceFacts {
  traceId: string;
  runId: string;
  startUs: number;
  endUs: number;
  spanCount: number;
  segments: SegmentFacts[];
  executions: Execution[];
  statements: StatementFact[];
  /** Distinct (span code object, caller flow) pairs. */
  flows: [string, string][];
  exceptions: ExceptionFact[];
  producers: ProducerFact[];
}
