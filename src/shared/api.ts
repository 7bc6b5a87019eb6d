/**
 * The engine's query API (`/api/v1`, JSON, `Authorization: Bearer <token>`): request and response
 * types used by the engine (server) and by the extension's axios client. Documented in docs/api.md.
 * Times are milliseconds since the epoch unless a name ends in `Us` (microseconds) or `Ms` (a duration).
 */
import type { CodeObjectKind } from './keys';

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** 0 = critical … 4 = info: lower is more severe. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export const INSIGHT_TYPES = [
  'duration',
  'durationChange',
  'bottleneck',
  'nPlusOne',
  'chattyApi',
  'highQueryCount',
  'slowEndpoint',
  'slowQuery',
  'longTail',
  'scaling',
  'errorHotspot',
  'errors',
  'usage',
  'callers',
  'breakdown',
  'queueWait',
  'neverReached',
] as const;
export type InsightType = (typeof INSIGHT_TYPES)[number];
export type InsightScope = 'span' | 'endpoint' | 'function' | 'service';
export type InsightStatus = 'evaluating' | 'active' | 'possibly-fixed' | 'regression';

/** One conclusion of the engine about one code object (see shared/docs/insights.md). */
export interface Insight {
  /** Stable across recomputation: type + code object (+ a discriminator such as the statement). */
  id: string;
  type: InsightType;
  scope: InsightScope;
  severity: Severity;
  /** Key of the code object it belongs to (see keys.ts). */
  codeObject: string;
  service: string;
  /** One line, for a CodeLens: "N+1 queries (12×)". */
  title: string;
  /** A paragraph for the hover and the panel. */
  detail: string;
  /**
   * The figures it was computed from, by name (durations in ms, shares and rates as 0..1).
   * Figures named `…CodeObject` / `…CodeObjects` (a key or a list of keys) attribute the insight to
   * those code objects as well: the editor shows it on the functions that own them (e.g. an N+1 on
   * a repeated DB span, with `parentCodeObject` = the span it repeats under, shows on that function).
   */
  figures: Record<string, number | string | boolean | null | number[] | string[]>;
  sampleTraceIds: { slowest?: string; median?: string; error?: string; [role: string]: string | undefined };
  firstSeen: number;
  lastSeen: number;
  status: InsightStatus;
  /** `errors` insights: frames of the latest stack trace, innermost first as the runtime printed them. */
  stackFrames?: StackFrameDto[];
}

/** One frame of an exception's stack trace (path as recorded; the mapping module maps it to the workspace). */
export interface StackFrameDto {
  file: string;
  line: number;
  column?: number;
  function?: string;
}

/**
 * Every code object an insight is about: its own `codeObject` and the keys in figures named
 * `…CodeObject` / `…CodeObjects` (e.g. the span that issues an N+1's queries). The API's `keys`
 * filter matches any of them, so a function sees the insights of the spans it owns.
 */
export function insightCodeObjects(insight: Insight): string[] {
  const keys = [insight.codeObject];
  for (const [name, v] of Object.entries(insight.figures)) {
    if (!/CodeObjects?$/.test(name)) {
      continue;
    }
    for (const k of Array.isArray(v) ? v : [v]) {
      if (typeof k === 'string' && !keys.includes(k)) {
        keys.push(k);
      }
    }
  }
  return keys;
}

export interface CodeLocation {
  filepath?: string;
  lineno?: number;
  function?: string;
  namespace?: string;
}

/** A thing runtime data is kept for: a span name, an endpoint or a function. */
export interface CodeObject {
  id: string;
  kind: CodeObjectKind;
  service: string;
  /** Instrumentation scope, for span code objects. */
  scope?: string;
  /** Normalized span name, `METHOD /route`, or qualified function name. */
  name: string;
  code?: CodeLocation;
  count: number;
  errors: number;
  firstSeen: number;
  lastSeen: number;
}

export interface DurationSummary {
  mean: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Histogram {
  /** Upper bounds in ms of each bucket (log scale); `counts[i]` values fall in (bounds[i-1], bounds[i]]. */
  bounds: number[];
  counts: number[];
}

export interface SeriesPoint {
  /** Bucket start (ms epoch). */
  t: number;
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
}

/** `GET /api/v1/code-objects/:id/stats` */
export interface CodeObjectStats {
  codeObject: CodeObject;
  count: number;
  errors: number;
  errorRate: number;
  ratePerMin: { mean: number; max: number };
  durationMs: DurationSummary;
  selfTimeMs?: DurationSummary;
  histogram: Histogram;
  series: SeriesPoint[];
  lastCall?: number;
  /** Exemplar traces kept for this code object (slowest, latest errors, random sample). */
  exemplars?: ExemplarDto[];
}

export interface ExemplarDto {
  role: 'slowest' | 'error' | 'random';
  traceId: string;
  durationMs: number;
  error: boolean;
  /** Start of the call (ms epoch). */
  t: number;
}

/** `GET /api/v1/health` */
export interface HealthResponse {
  status: 'ok';
  version: string;
  pid: number;
  uptimeMs: number;
  host: string;
  otlpHttpPort: number;
  otlpGrpcPort: number;
  apiPort: number;
  storage: string;
  storeBackend: 'node:sqlite' | 'node-sqlite3-wasm';
  /** Whether the insights engine is wired (else /insights answers basic duration/usage only). */
  insightsEngine?: boolean;
  /**
   * Whether the engine gives the memory a burst of ingest grew back once ingest is quiet (it needs
   * `--expose-gc`, which `serve` sets at run time when the node command line lacks it).
   */
  idleGc?: boolean;
}

/** `GET /api/v1/stats` */
export interface StatsResponse {
  spansReceived: number;
  spansStored: number;
  spansRejected: number;
  requests: number;
  traces: number;
  services: number;
  codeObjects: number;
  /** Spans per second over the last minute. */
  ingestRatePerSec: number;
  lastIngestAt?: number;
  /** Spans waiting in the trace assembler. */
  bufferedSpans?: number;
  /** Bytes of the database file and of the journal on disk. */
  storeBytes?: number;
  journalBytes?: number;
  /** Resident memory of the engine process. */
  rssBytes?: number;
  /** JavaScript heap: bytes in use and reserved (V8), and memory outside it (buffers, WebAssembly). */
  heapUsedBytes?: number;
  heapTotalBytes?: number;
  externalBytes?: number;
  /** Longest synchronous apply of one batch on the event loop (ms) since start. */
  maxApplyMs?: number;
  /** Longest delay of the engine's event loop (ms) since start: what any request could have waited. */
  maxEventLoopDelayMs?: number;
  /** Fraction of assembled traces the insights analyse right now (1 = all; less under heavy load). */
  analysedTraceFraction?: number;
  /** Grows whenever the background evaluation gives different insights: clients refresh what they show. */
  insightsVersion?: number;
}

/** `GET /api/v1/services` */
export interface ServicesResponse {
  services: { name: string; spans: number; lastSeen: number }[];
}

/** `GET /api/v1/code-objects?service=&q=&file=&kind=&run=&limit=` */
export interface CodeObjectsResponse {
  codeObjects: CodeObject[];
}

/** `POST /api/v1/code-objects/lookup` */
export interface LookupRequest {
  keys?: string[];
  files?: string[];
  spanNames?: string[];
}
export interface LookupResponse {
  codeObjects: CodeObject[];
}

/** `GET /api/v1/insights?keys=a,b&file=&minSeverity=&limit=&run=&fresh=1` */
export interface InsightsResponse {
  insights: Insight[];
}

export interface SpanEventDto {
  name: string;
  timeUs: number;
  attributes: Attributes;
}

export interface TraceSpanDto {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP span kind number (see semconv.ts SpanKind). */
  kind: number;
  service: string;
  scope: string;
  startUs: number;
  durationUs: number;
  status: { code: number; message?: string };
  attributes: Attributes;
  events: SpanEventDto[];
  /** Code-object keys this span counts for. */
  codeObjects: string[];
}

/** `GET /api/v1/traces/:traceId` */
export interface TraceResponse {
  traceId: string;
  spans: TraceSpanDto[];
}

export type RunSource = 'explicit' | 'vcs' | 'service.version' | 'import' | 'default';
export interface RunInfo {
  id: string;
  label: string;
  source: RunSource;
  services: string[];
  spans: number;
  firstSeen: number;
  lastSeen: number;
}

/** `GET /api/v1/runs` */
export interface RunsResponse {
  runs: RunInfo[];
}

export interface CompareRow {
  codeObject: string;
  name: string;
  service: string;
  baseline: { count: number; p50Ms: number; p95Ms: number; errorRate: number };
  candidate: { count: number; p50Ms: number; p95Ms: number; errorRate: number };
  /** Relative change, 0.25 = 25 % slower. */
  p50Change: number;
  p95Change: number;
  errorRateChange: number;
  /** Mann–Whitney p-value when enough samples, else null. */
  pValue: number | null;
  significant: boolean;
  /** change × calls: the sort key. */
  impact: number;
}

/** `GET /api/v1/compare?baseline=&candidate=` */
export interface CompareResponse {
  baseline: RunInfo;
  candidate: RunInfo;
  rows: CompareRow[];
  newInsights: Insight[];
  fixedInsights: Insight[];
}

/** `otlp-protobuf`: one binary ExportTraceServiceRequest (a `.pb` file), only by path. */
export type ImportFormat = 'otlp-json' | 'otlp-protobuf' | 'jaeger' | 'zipkin';

/** `POST /api/v1/import` — either a path readable by the engine or the file content itself. */
export interface ImportRequest {
  path?: string;
  content?: string;
  format?: ImportFormat | 'auto';
  /** Run id to file the imported spans under; default: one new run per import. */
  runId?: string;
}
export interface ImportResponse {
  format: ImportFormat;
  spans: number;
  traces: number;
  runId: string;
  /** Spans the importer or the engine could not take (bad ids, impossible times). */
  rejected?: number;
}

/** `DELETE /api/v1/data` */
export interface DeleteDataResponse {
  deleted: true;
}

/** Every error answer of the API. */
export interface ApiError {
  error: { code: string; message: string };
}

/** Content of the state file (`engine.json`, mode 0600) in the engine's storage folder. */
export interface EngineState {
  pid: number;
  version: string;
  host: string;
  otlpHttpPort: number;
  otlpGrpcPort: number;
  apiPort: number;
  token: string;
  startedAt: number;
  storage: string;
}

export const ApiRoutes = {
  health: '/api/v1/health',
  stats: '/api/v1/stats',
  services: '/api/v1/services',
  codeObjects: '/api/v1/code-objects',
  lookup: '/api/v1/code-objects/lookup',
  codeObjectStats: (id: string) => `/api/v1/code-objects/${encodeURIComponent(id)}/stats`,
  insights: '/api/v1/insights',
  trace: (traceId: string) => `/api/v1/traces/${encodeURIComponent(traceId)}`,
  runs: '/api/v1/runs',
  compare: '/api/v1/compare',
  import: '/api/v1/import',
  data: '/api/v1/data',
} as const;
