/**
 * What `extractTraceFacts` (traceFacts.ts) derives from one assembled trace, as the analyzers read
 * it. The facts of thousands of traces are kept, so they are stored compactly (factStore.ts: one
 * array of strings and one of numbers per trace) and these are views made for an evaluation.
 */
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

/** The order of `BreakdownKind`s in the stored facts. */
export const BREAKDOWN_KINDS: readonly BreakdownKind[] = ['db', 'http', 'messaging', 'internal', 'self'];

/** One endpoint segment of a trace: the request as one service saw it. */
export interface SegmentFacts {
  readonly endpoint: string;
  readonly service: string;
  readonly traceId: string;
  readonly runId: string;
  readonly startUs: number;
  readonly durUs: number;
  readonly error: boolean;
  readonly dbCount: number;
  readonly repeats: readonly RepeatFact[];
  /** `traceId:spanId` of the producer span this consumer segment waited for. */
  readonly producerRef: string | undefined;
  /**
   * Time covered by the spans of a span code object (with children), µs, clipped to the root.
   * Entry spans (SERVER/CONSUMER) inside the segment are left out: they are the request itself,
   * seen by another layer. Undefined for a code object without spans in the segment.
   */
  coverUs(key: string): number | undefined;
  /** The code objects `coverUs` knows, in the order they first appear. */
  coverKeys(): string[];
  /**
   * The largest `coverUs` of another code object under the spans of `key` (µs): a span whose
   * descendant holds the share merely wraps it. Undefined when nothing is under it.
   */
  innerUs(key: string): number | undefined;
  /** Exclusive time of a kind (µs); `self` is the root's own. */
  kindUs(kind: BreakdownKind): number;
  /** Direct children of the root by span code object → covered time (µs), in order of appearance. */
  byChild(): [string, number][];
  /** The code objects `byChild` knows, in the same order. */
  childKeys(): string[];
  /** `byChild` of one code object. */
  childUs(key: string): number | undefined;
}

export interface Execution {
  readonly key: string;
  readonly traceId: string;
  readonly runId: string;
  readonly startUs: number;
  readonly durUs: number;
  readonly error: boolean;
  /** For endpoint executions: index of the segment in `TraceFacts.segments()`. */
  readonly segment: number | undefined;
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

/** A segment as `extractTraceFacts` and the loader of saved facts hand it to the store. */
export interface SegmentInput {
  endpoint: string;
  service: string;
  producerRef: string | undefined;
  startUs: number;
  durUs: number;
  error: boolean;
  dbCount: number;
  /** By `BREAKDOWN_KINDS`. */
  kindUs: readonly number[];
  cover: Iterable<[string, number]>;
  inner: Iterable<[string, number]>;
  children: Iterable<[string, number]>;
  repeats: readonly RepeatFact[];
}
