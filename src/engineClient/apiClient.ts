import type { AxiosInstance, AxiosStatic } from 'axios';
import type {
  ApiError,
  CodeObjectStats,
  CodeObjectsResponse,
  CompareResponse,
  EngineState,
  HealthResponse,
  ImportRequest,
  ImportResponse,
  InsightsResponse,
  LookupRequest,
  LookupResponse,
  RunsResponse,
  ServicesResponse,
  Severity,
  StatsResponse,
  TraceResponse,
} from '../shared/api';
import { lazy } from '../lazyLoad';
import { ApiRoutes } from '../shared/api';

/** Why an API call failed, with the engine's own error code when it answered. */
export class EngineApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'EngineApiError';
  }
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the default (short) timeout. */
  timeoutMs?: number;
}

export interface InsightsQuery {
  keys?: string[];
  file?: string;
  minSeverity?: Severity;
  limit?: number;
}

const DEFAULT_TIMEOUT_MS = 3_000;
const IMPORT_TIMEOUT_MS = 120_000;
/** Queries that analyze (insights, compare) may take longer than a health check on a busy machine. */
const QUERY_TIMEOUT_MS = 10_000;

/**
 * Typed client of the engine's query API (`/api/v1`): one method per route, short timeouts, and
 * cancellation through an AbortSignal (the providers pass one derived from their CancellationToken).
 */
export class EngineApi {
  private http: Promise<{ axios: AxiosStatic; instance: AxiosInstance }> | undefined;

  constructor(
    readonly state: Pick<EngineState, 'apiPort' | 'token'>,
    private readonly host = '127.0.0.1',
  ) {}

  /** axios is loaded on the first call, not when the extension loads (activation stays cheap). */
  private client(): Promise<{ axios: AxiosStatic; instance: AxiosInstance }> {
    this.http ??= Promise.resolve(lazy().axios).then((axios) => ({
      axios,
      instance: axios.create({
        baseURL: `http://${this.host}:${this.state.apiPort}`,
        timeout: DEFAULT_TIMEOUT_MS,
        headers: { Authorization: `Bearer ${this.state.token}` },
        // The engine is on loopback: never go through a proxy configured for the internet.
        proxy: false,
        maxContentLength: 64 * 1024 * 1024,
      }),
    }));
    return this.http;
  }

  health(o?: CallOptions): Promise<HealthResponse> {
    return this.get(ApiRoutes.health, undefined, o);
  }

  stats(o?: CallOptions): Promise<StatsResponse> {
    return this.get(ApiRoutes.stats, undefined, o);
  }

  services(o?: CallOptions): Promise<ServicesResponse> {
    return this.get(ApiRoutes.services, undefined, o);
  }

  codeObjects(query: { service?: string; q?: string; kind?: 'span' | 'endpoint' | 'function'; file?: string; limit?: number }, o?: CallOptions): Promise<CodeObjectsResponse> {
    return this.get(ApiRoutes.codeObjects, query, o);
  }

  lookup(body: LookupRequest, o?: CallOptions): Promise<LookupResponse> {
    return this.send('post', ApiRoutes.lookup, body, { timeoutMs: QUERY_TIMEOUT_MS, ...o });
  }

  codeObjectStats(id: string, o?: CallOptions): Promise<CodeObjectStats> {
    return this.get(ApiRoutes.codeObjectStats(id), undefined, o);
  }

  insights(q: InsightsQuery, o?: CallOptions): Promise<InsightsResponse> {
    return this.get(
      ApiRoutes.insights,
      { keys: q.keys?.join(','), file: q.file, minSeverity: q.minSeverity, limit: q.limit },
      { timeoutMs: QUERY_TIMEOUT_MS, ...o },
    );
  }

  trace(traceId: string, o?: CallOptions): Promise<TraceResponse> {
    return this.get(ApiRoutes.trace(traceId), undefined, o);
  }

  runs(o?: CallOptions): Promise<RunsResponse> {
    return this.get(ApiRoutes.runs, undefined, o);
  }

  compare(baseline: string, candidate: string, o?: CallOptions): Promise<CompareResponse> {
    return this.get(ApiRoutes.compare, { baseline, candidate }, { timeoutMs: QUERY_TIMEOUT_MS, ...o });
  }

  import(body: ImportRequest, o?: CallOptions): Promise<ImportResponse> {
    return this.send('post', ApiRoutes.import, body, { timeoutMs: IMPORT_TIMEOUT_MS, ...o });
  }

  clearData(o?: CallOptions): Promise<unknown> {
    return this.send('delete', ApiRoutes.data, undefined, o);
  }

  private async get<T>(url: string, params: Record<string, unknown> | undefined, o?: CallOptions): Promise<T> {
    return this.send('get', url, undefined, o, params);
  }

  private async send<T>(
    method: 'get' | 'post' | 'delete',
    url: string,
    data: unknown,
    o?: CallOptions,
    params?: Record<string, unknown>,
  ): Promise<T> {
    const { axios, instance } = await this.client();
    try {
      const res = await instance.request<T>({
        method,
        url,
        data,
        params: params && Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')),
        signal: o?.signal,
        timeout: o?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
      return res.data;
    } catch (e) {
      throw toApiError(axios, e, `${method.toUpperCase()} ${url}`);
    }
  }
}

function toApiError(axios: AxiosStatic, e: unknown, what: string): EngineApiError {
  if (axios.isAxiosError<ApiError>(e)) {
    const body = e.response?.data;
    if (body && typeof body === 'object' && 'error' in body) {
      return new EngineApiError(`${what}: ${body.error.message}`, e.response?.status, body.error.code);
    }
    if (e.code === 'ERR_CANCELED') {
      return new EngineApiError(`${what}: cancelled`, undefined, 'cancelled');
    }
    return new EngineApiError(`${what}: ${e.message}`, e.response?.status, e.code);
  }
  return new EngineApiError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
}

export function isCancelled(e: unknown): boolean {
  return e instanceof EngineApiError && e.code === 'cancelled';
}
