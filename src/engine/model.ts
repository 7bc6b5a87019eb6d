/**
 * The engine's internal span model: what every decoder (OTLP protobuf, OTLP JSON, Jaeger, Zipkin)
 * produces and what the assembler, the aggregates and the analyzers consume.
 */
import type { Attributes, CodeObject, CodeObjectStats, RunInfo } from '../shared/api';
import type { SpanKindValue, StatusCodeValue } from '../shared/semconv';

export interface Resource {
  attributes: Attributes;
  /** `service.name`, or `unknown_service` when missing. */
  serviceName: string;
}

export interface Scope {
  name: string;
  version?: string;
}

export interface SpanEvent {
  name: string;
  timeUs: number;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** One decoded span. Ids are lower-case hex; times are µs since the epoch (exact in a double). */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKindValue;
  startUs: number;
  endUs: number;
  statusCode: StatusCodeValue;
  statusMessage?: string;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  /** Shared by all spans of one ResourceSpans: compare by identity, don't copy. */
  resource: Resource;
  scope: Scope;
}

/** What a decoder hands to the ingest pipeline: the spans of one request or one imported file. */
export interface SpanBatch {
  spans: Span[];
  /** Spans the decoder dropped (bad ids, …), reported as OTLP partial success. */
  rejected: number;
  /** Reason for the rejections, for `partial_success.error_message`. */
  rejectReason?: string;
  /**
   * The OTLP message (after decompression) the spans were decoded from, set by the receivers: the
   * journal keeps these bytes as they came instead of encoding the decoded spans again.
   */
  source?: { encoding: 'protobuf' | 'json'; bytes: Uint8Array };
}

/** The answer of the ingest pipeline for one batch; only resolved once the batch is durable. */
export interface IngestResult {
  accepted: number;
  rejected: number;
  errorMessage?: string;
}

/** Where receivers and importers deliver decoded spans. */
export interface SpanSink {
  /**
   * Accepts a batch. Resolves after the batch is durable (it survives kill -9), so a receiver
   * may acknowledge with 200 only then. Rejects with an `OverloadedError` when it cannot keep up.
   */
  ingest(batch: SpanBatch, origin: IngestOrigin): Promise<IngestResult>;
}

export interface IngestOrigin {
  transport: 'http' | 'grpc' | 'import';
  /** For imports: the run id every span is filed under. */
  runId?: string;
}

/** Thrown by a SpanSink that is over its queue bound; receivers answer 429/503 with Retry-After. */
export class OverloadedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`engine overloaded, retry after ${retryAfterSeconds}s`);
    this.name = 'OverloadedError';
  }
}

/** Thrown by decoders: the input is malformed. Receivers answer 400 with the message. */
export class DecodeError extends Error {
  constructor(message: string, readonly offset?: number) {
    super(offset === undefined ? message : `${message} (at offset ${offset})`);
    this.name = 'DecodeError';
  }
}

/**
 * All spans seen so far of one trace. The assembler hands a trace to observers once it is quiet;
 * when late spans arrive it hands the same traceId again with the superset of spans, so
 * observers must replace what they counted for that trace, not add to it.
 */
export interface AssembledTrace {
  traceId: string;
  spans: Span[];
  /** Run id the trace belongs to (from its root's resource or the import). */
  runId: string;
}

export interface TraceObserver {
  observeTrace(trace: AssembledTrace): void;
}

/** A time window and/or run to read aggregates for (all data when empty). */
export interface StatsWindow {
  fromMs?: number;
  toMs?: number;
  runId?: string;
}

/**
 * Read side of the store's aggregates (per code object × minute bucket × run), as the analyzers and
 * the query API see it. Implemented by the store; the insights engine depends only on this.
 */
export interface AggregateReader {
  codeObjects(): CodeObject[];
  /** Statistics of one code object in a window; undefined when it has no data there. */
  stats(codeObject: string, window?: StatsWindow): CodeObjectStats | undefined;
  runs(): RunInfo[];
}
