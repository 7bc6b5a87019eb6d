/**
 * A small typed client of the query API (fetch, Node ≥ 18), used by the CLI and by tests. The
 * extension has its own axios client over the same DTOs (src/shared/api.ts).
 */
import type {
  ApiError,
  CodeObjectsResponse,
  CodeObjectStats,
  CompareResponse,
  DeleteDataResponse,
  EngineState,
  HealthResponse,
  ImportRequest,
  ImportResponse,
  InsightsResponse,
  LookupRequest,
  LookupResponse,
  RunsResponse,
  ServicesResponse,
  StatsResponse,
  TraceResponse,
} from '../../shared/api';
import { ApiRoutes } from '../../shared/api';

export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'ApiClientError';
  }
}

type Query = Record<string, string | number | undefined | string[]>;

export class EngineApiClient {
  readonly baseUrl: string;

  constructor(
    host: string,
    port: number,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  static fromState(s: EngineState, timeoutMs?: number): EngineApiClient {
    const host = s.host === '0.0.0.0' || s.host === '::' ? '127.0.0.1' : s.host;
    return new EngineApiClient(host, s.apiPort, s.token, timeoutMs);
  }

  /** Raw request: resolves with status and parsed body whatever the status. */
  async raw(method: string, path: string, opts: { body?: unknown; token?: string | null; query?: Query } = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined) {
        url.searchParams.set(k, Array.isArray(v) ? v.join(',') : String(v));
      }
    }
    const headers: Record<string, string> = {};
    const token = opts.token === undefined ? this.token : opts.token;
    if (token !== null) {
      headers.authorization = `Bearer ${token}`;
    }
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: AbortSignal.timeout(this.timeoutMs) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, headers: res.headers };
  }

  private async call<T>(method: string, path: string, opts: { body?: unknown; query?: Query } = {}): Promise<T> {
    const r = await this.raw(method, path, opts);
    if (r.status !== 200) {
      const err = (r.body as ApiError | undefined)?.error;
      throw new ApiClientError(r.status, err?.code ?? 'http_error', err?.message ?? String(r.body));
    }
    return r.body as T;
  }

  health(): Promise<HealthResponse> {
    return this.call('GET', ApiRoutes.health);
  }
  stats(): Promise<StatsResponse> {
    return this.call('GET', ApiRoutes.stats);
  }
  services(): Promise<ServicesResponse> {
    return this.call('GET', ApiRoutes.services);
  }
  codeObjects(query: { service?: string; q?: string; file?: string; kind?: string; run?: string; limit?: number } = {}): Promise<CodeObjectsResponse> {
    return this.call('GET', ApiRoutes.codeObjects, { query });
  }
  lookup(req: LookupRequest): Promise<LookupResponse> {
    return this.call('POST', ApiRoutes.lookup, { body: req });
  }
  codeObjectStats(id: string, query: { from?: number; to?: number; run?: string } = {}): Promise<CodeObjectStats> {
    return this.call('GET', ApiRoutes.codeObjectStats(id), { query });
  }
  /** `fresh`: wait for the engine's next evaluation, so every trace it has observed counts. */
  insights(query: { keys?: string[]; file?: string; minSeverity?: string; limit?: number; run?: string; fresh?: boolean } = {}): Promise<InsightsResponse> {
    const { fresh, ...rest } = query;
    return this.call('GET', ApiRoutes.insights, { query: fresh ? { ...rest, fresh: 1 } : rest });
  }
  trace(traceId: string): Promise<TraceResponse> {
    return this.call('GET', ApiRoutes.trace(traceId));
  }
  runs(): Promise<RunsResponse> {
    return this.call('GET', ApiRoutes.runs);
  }
  compare(baseline: string, candidate: string): Promise<CompareResponse> {
    return this.call('GET', ApiRoutes.compare, { query: { baseline, candidate } });
  }
  import(req: ImportRequest): Promise<ImportResponse> {
    return this.call('POST', ApiRoutes.import, { body: req });
  }
  deleteData(): Promise<DeleteDataResponse> {
    return this.call('DELETE', ApiRoutes.data);
  }
}
