/**
 * Typed messages between the Insights webview (browser) and the extension host.
 * Methods are namespaced `scope/method`; every message states its direction.
 *  - notifications host → webview: `state/update` (a full snapshot; the webview keeps it with setState)
 *  - commands webview → host: `view/ready`, `command/run`
 *  - requests webview → host with a correlated response (`response`, same `id`): see `RequestMap`
 */
import type { CodeObjectStats, CompareResponse, Insight, RunInfo, TraceResponse } from './api';

export type EngineStatus = 'stopped' | 'starting' | 'running' | 'restarting' | 'error';

/** A stack frame of an exception, already checked by the host against the workspace. */
export interface FrameView {
  /** The frame as the runtime printed it. */
  text: string;
  /** Workspace-relative path when the frame maps into the workspace. */
  path?: string;
  line?: number;
  function?: string;
}

export interface ErrorView {
  type: string;
  message: string;
  count: number;
  traceId?: string;
  frames: FrameView[];
}

/** One span of the waterfall; `path`/`line` set when the span maps into the workspace. */
export interface ExemplarRef {
  role: 'slowest' | 'median' | 'error' | string;
  traceId: string;
}

/** The code object(s) the panel shows: the function at the cursor, or one chosen from a lens. */
export interface FocusView {
  /** Function or endpoint name as shown in the header. */
  label: string;
  /** Workspace-relative file and 1-based line of the definition. */
  path?: string;
  line?: number;
  codeObjects: string[];
  stats?: CodeObjectStats;
  insights: Insight[];
  exemplars: ExemplarRef[];
  errors: ErrorView[];
  /** True when the code is instrumented but the engine has no data for it. */
  neverReached?: boolean;
}

/** What the panel shows. The host sends a full snapshot; the webview keeps it with setState. */
export interface InsightsViewState {
  engine: {
    status: EngineStatus;
    otlpHttpEndpoint: string;
    otlpGrpcEndpoint: string;
    message?: string;
    spansStored?: number;
    ingestRatePerSec?: number;
  };
  /** The function at the cursor (or picked from a lens); undefined shows the overview. */
  focus?: FocusView;
  /** Most severe insights overall, for the overview. */
  topInsights: Insight[];
  /** A run comparison to show instead of the focus. */
  compare?: CompareResponse;
  runs: RunInfo[];
  /** Monotonic snapshot number, so a stale snapshot never replaces a newer one. */
  seq: number;
}

/** Requests the webview makes; the host answers with a `response` of the same id. */
export interface RequestMap {
  /** An exemplar trace for the waterfall. */
  'trace/get': { params: { traceId: string }; result: TraceViewResult };
  /** Open a workspace file at a line; the host checks the path is inside the workspace first. */
  'code/open': { params: { path: string; line?: number }; result: { opened: boolean; reason?: string } };
  /** Compare two runs (ids from `runs`). */
  'compare/get': { params: { baseline: string; candidate: string }; result: CompareResponse };
}
export type RequestMethod = keyof RequestMap;

/** A trace with, per span, where it maps into the workspace (for jump-to-code). */
export interface TraceViewResult {
  trace: TraceResponse;
  locations: Record<string, { path: string; line?: number }>;
}

/** webview → host: the webview has loaded and can receive messages. */
export interface ReadyMessage {
  method: 'view/ready';
}

/** webview → host: run one of SpanLens' own commands (the host checks it is one of ours). */
export interface RunCommandMessage {
  method: 'command/run';
  command: string;
  args?: unknown[];
}

/** webview → host: a request; answered by a ResponseMessage with the same id. */
export interface RequestMessage<M extends RequestMethod = RequestMethod> {
  method: 'request';
  id: number;
  request: M;
  params: RequestMap[M]['params'];
}

/** host → webview: the answer to request `id`. */
export type ResponseMessage<M extends RequestMethod = RequestMethod> =
  | { method: 'response'; id: number; ok: true; result: RequestMap[M]['result'] }
  | { method: 'response'; id: number; ok: false; error: string };

/** host → webview: replace the state. */
export interface StateMessage {
  method: 'state/update';
  state: InsightsViewState;
}

/** host → webview: switch the panel to a section (`compare`, `focus`, `overview`). */
export interface ShowMessage {
  method: 'view/show';
  section: 'focus' | 'compare' | 'overview';
}

export type WebviewToHost = ReadyMessage | RunCommandMessage | RequestMessage;
export type HostToWebview = StateMessage | ResponseMessage | ShowMessage;

const REQUESTS: readonly RequestMethod[] = ['trace/get', 'code/open', 'compare/get'];

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Validates a message from the webview at the boundary (the webview is less trusted than the host). */
export function isWebviewToHost(m: unknown): m is WebviewToHost {
  if (!isObj(m)) {
    return false;
  }
  switch (m.method) {
    case 'view/ready':
      return true;
    case 'command/run':
      return typeof m.command === 'string' && (m.args === undefined || Array.isArray(m.args));
    case 'request':
      return (
        typeof m.id === 'number' &&
        typeof m.request === 'string' &&
        (REQUESTS as readonly string[]).includes(m.request) &&
        isObj(m.params) &&
        validParams(m.request as RequestMethod, m.params)
      );
    default:
      return false;
  }
}

function validParams(method: RequestMethod, p: Record<string, unknown>): boolean {
  switch (method) {
    case 'trace/get':
      return typeof p.traceId === 'string' && /^[0-9a-fA-F]{1,64}$/.test(p.traceId);
    case 'code/open':
      return typeof p.path === 'string' && p.path.length > 0 && (p.line === undefined || (typeof p.line === 'number' && p.line >= 0));
    case 'compare/get':
      return typeof p.baseline === 'string' && typeof p.candidate === 'string';
  }
}
