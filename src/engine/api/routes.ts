/** The query API's routes (see docs/api.md and src/shared/api.ts). */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type {
  CodeObject,
  CodeObjectsResponse,
  CompareResponse,
  DeleteDataResponse,
  ExemplarDto,
  HealthResponse,
  ImportFormat,
  ImportResponse,
  LookupResponse,
  RunsResponse,
  ServicesResponse,
  StatsResponse,
  TraceResponse,
} from '../../shared/api';
import { normalizeSpanName } from '../../shared/keys';
import type { EngineConfig } from '../config';
import type { SpanBatch } from '../model';
import { DecodeError } from '../model';
import { compareRuns } from '../store/compare';
import { EXEMPLAR_ROLES } from '../store/exemplars';
import type { IngestPipeline } from '../store/pipeline';
import { newImportRun } from '../store/runs';
import type { Route } from './http';
import { ApiFailure, badRequest, notFound } from './http';
import type { InsightProvider } from './insightRoutes';
import { codeObjectsForFile, insightsHandler, sameFile } from './insightRoutes';

export type { InsightProvider, InsightQuery } from './insightRoutes';
export { codeObjectsForFile, sameFile } from './insightRoutes';
import { objectBody, optInt, optString, stringArray, windowOf } from './validate';

export type TraceImporter = (
  content: Buffer | string,
  opts: { format?: ImportFormat; fileName?: string },
) => Promise<{ format: ImportFormat; batches: SpanBatch[] }> | { format: ImportFormat; batches: SpanBatch[] };

export interface ApiContext {
  pipeline: IngestPipeline;
  config: EngineConfig;
  version: string;
  startedAt: number;
  ports: { otlpHttpPort: number; otlpGrpcPort: number; apiPort: number };
  insights?: InsightProvider;
  importer?: TraceImporter;
  /** Called after DELETE /data cleared the store (e.g. to reset the insights engine). */
  onClear?: () => void;
}

const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

export function buildRoutes(ctx: ApiContext): Route[] {
  const { pipeline } = ctx;
  const store = pipeline.store;
  const exemplarsOf = (key: string): ExemplarDto[] | undefined => {
    const ex = store.exemplars(key);
    return ex && EXEMPLAR_ROLES.flatMap((role) => ex[role].map((e) => ({ role, ...e })));
  };

  const health = (): HealthResponse => ({
    status: 'ok',
    version: ctx.version,
    pid: process.pid,
    uptimeMs: Date.now() - ctx.startedAt,
    host: ctx.config.host,
    ...ctx.ports,
    storage: ctx.config.storage,
    storeBackend: store.backend,
    insightsEngine: ctx.insights !== undefined,
    idleGc: pipeline.idleGcEnabled,
  });

  const stats = (): StatsResponse => {
    const c = store.counters;
    const cos = store.codeObjects();
    const mem = process.memoryUsage();
    const out: StatsResponse = {
      spansReceived: c.spansReceived,
      spansStored: c.spansStored,
      spansRejected: c.spansRejected,
      requests: c.requests,
      traces: c.traces,
      services: new Set(cos.map((x) => x.service)).size,
      codeObjects: cos.length,
      ingestRatePerSec: store.ingestRate(Date.now()),
      bufferedSpans: pipeline.assembler.bufferedSpans,
      storeBytes: store.dbBytes(),
      journalBytes: pipeline.journalBytes,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      externalBytes: mem.external,
      maxApplyMs: pipeline.maxApplyMs,
      maxEventLoopDelayMs: pipeline.maxEventLoopDelayMs,
      analysedTraceFraction: Math.min(1, ...pipeline.assembler.observerFractions),
    };
    if (c.lastIngestAt) {
      out.lastIngestAt = c.lastIngestAt;
    }
    const insightsVersion = ctx.insights?.version?.();
    if (insightsVersion !== undefined) {
      out.insightsVersion = insightsVersion;
    }
    return out;
  };

  const services = (): ServicesResponse => {
    const m = new Map<string, { name: string; spans: number; lastSeen: number }>();
    for (const co of store.codeObjects()) {
      let s = m.get(co.service);
      if (!s) {
        s = { name: co.service, spans: 0, lastSeen: 0 };
        m.set(co.service, s);
      }
      if (co.kind === 'span') {
        s.spans += co.count;
      }
      s.lastSeen = Math.max(s.lastSeen, co.lastSeen);
    }
    return { services: [...m.values()].sort((a, b) => a.name.localeCompare(b.name)) };
  };

  const codeObjects = ({ query }: { query: URLSearchParams }): CodeObjectsResponse => {
    const service = optString(query, 'service');
    const q = optString(query, 'q')?.toLowerCase();
    const file = optString(query, 'file');
    const kind = optString(query, 'kind');
    if (kind !== undefined && kind !== 'span' && kind !== 'endpoint' && kind !== 'function') {
      throw badRequest(`'kind' must be span, endpoint or function`);
    }
    const limit = optInt(query, 'limit', 1, 100_000) ?? 10_000;
    const window = windowOf(query);
    let cos = store.codeObjects();
    if (window.fromMs !== undefined || window.toMs !== undefined || window.runId !== undefined) {
      const inWindow = store.codeObjectsIn(window);
      cos = cos.filter((c) => inWindow.has(c.id));
    }
    if (file !== undefined) {
      cos = codeObjectsForFile(cos, file);
    }
    cos = cos.filter((c) => (service === undefined || c.service === service) && (kind === undefined || c.kind === kind) && (q === undefined || c.id.toLowerCase().includes(q) || c.name.toLowerCase().includes(q)));
    cos.sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
    return { codeObjects: cos.slice(0, limit) };
  };

  const lookup = ({ body }: { body: unknown }): LookupResponse => {
    const b = objectBody(body);
    const keys = new Set(stringArray(b, 'keys') ?? []);
    const files = stringArray(b, 'files') ?? [];
    const spanNames = new Set((stringArray(b, 'spanNames') ?? []).map((n) => normalizeSpanName(n)));
    const out: CodeObject[] = [];
    for (const co of store.codeObjects()) {
      if (keys.has(co.id) || (co.kind === 'span' && spanNames.has(co.name)) || (co.code?.filepath !== undefined && files.some((f) => sameFile(co.code!.filepath!, f)))) {
        out.push(co);
      }
    }
    return { codeObjects: out };
  };

  const coStats = ({ params, query }: { params: string[]; query: URLSearchParams }) => {
    const key = params[0];
    const window = windowOf(query);
    if (!store.codeObject(key)) {
      throw notFound(`no code object '${key}'`);
    }
    const s = store.stats(key, window);
    if (!s) {
      throw notFound(`code object '${key}' has no data in this window`);
    }
    const ex = exemplarsOf(key);
    if (ex) {
      s.exemplars = ex;
    }
    return s;
  };

  const insights = insightsHandler(ctx);

  const trace = ({ params }: { params: string[] }): TraceResponse => {
    const id = params[0].toLowerCase();
    if (!/^[0-9a-f]{1,32}$/.test(id)) {
      throw badRequest(`trace id must be hex, got '${params[0]}'`);
    }
    const live = pipeline.assembler.get(id.padStart(32, '0'));
    if (live) {
      return { traceId: live.traceId, spans: live.items.map((i) => store.traceSpanDto(i)) };
    }
    const stored = store.storedTrace(id.padStart(32, '0'));
    if (!stored) {
      throw notFound(`trace ${id} is neither recent nor kept as an exemplar`);
    }
    return { traceId: id.padStart(32, '0'), spans: stored };
  };

  const runs = (): RunsResponse => ({ runs: store.runs() });

  const compare = async ({ query }: { query: URLSearchParams }): Promise<CompareResponse> => {
    const baseline = optString(query, 'baseline', 512);
    const candidate = optString(query, 'candidate', 512);
    if (!baseline || !candidate) {
      throw badRequest(`'baseline' and 'candidate' run ids are required`);
    }
    const all = store.runs();
    const a = all.find((r) => r.id === baseline);
    const b = all.find((r) => r.id === candidate);
    if (!a) {
      throw notFound(`no run '${baseline}'`);
    }
    if (!b) {
      throw notFound(`no run '${candidate}'`);
    }
    const fromEngine = await ctx.insights?.compare?.(baseline, candidate);
    if (fromEngine) {
      return fromEngine;
    }
    return { baseline: a, candidate: b, rows: compareRuns(store, baseline, candidate), newInsights: [], fixedInsights: [] };
  };

  const importTraces = async ({ body }: { body: unknown }): Promise<ImportResponse> => {
    const b = objectBody(body);
    const path = b.path;
    const content = b.content;
    const format = b.format;
    const runId = b.runId;
    if ((path === undefined) === (content === undefined)) {
      throw badRequest(`give exactly one of 'path' and 'content'`);
    }
    if (path !== undefined && (typeof path !== 'string' || path === '')) {
      throw badRequest(`'path' must be a non-empty string`);
    }
    if (content !== undefined && typeof content !== 'string') {
      throw badRequest(`'content' must be a string`);
    }
    if (format !== undefined && !['auto', 'otlp-json', 'otlp-protobuf', 'jaeger', 'zipkin'].includes(format as string)) {
      throw badRequest(`'format' must be auto, otlp-json, otlp-protobuf, jaeger or zipkin`);
    }
    if (runId !== undefined && (typeof runId !== 'string' || runId === '' || runId.length > 200)) {
      throw badRequest(`'runId' must be a non-empty string of at most 200 characters`);
    }
    if (!ctx.importer) {
      throw new ApiFailure(501, 'not_available', 'this engine build has no trace importers');
    }
    let text: Buffer | string;
    if (typeof path === 'string') {
      let size: number;
      try {
        size = statSync(path).size;
      } catch (e) {
        throw badRequest(`cannot read ${path}: ${(e as Error).message}`);
      }
      if (size > MAX_IMPORT_BYTES) {
        throw new ApiFailure(413, 'payload_too_large', `${path} is over ${MAX_IMPORT_BYTES} bytes`);
      }
      text = readFileSync(path);
    } else {
      text = content as string;
    }
    const fileName = typeof path === 'string' ? basename(path) : undefined;
    let decoded: { format: ImportFormat; batches: SpanBatch[] };
    try {
      const opts: { format?: ImportFormat; fileName?: string } = {};
      if (format !== undefined && format !== 'auto') {
        opts.format = format as ImportFormat;
      }
      if (fileName) {
        opts.fileName = fileName;
      }
      decoded = await ctx.importer(text, opts);
    } catch (e) {
      if (e instanceof DecodeError) {
        throw badRequest(`${fileName ?? 'content'}: ${e.message}`);
      }
      throw e;
    }
    const run = typeof runId === 'string' ? (store.registry.runs.get(runId) ?? { id: runId, label: runId, source: 'import' as const }) : newImportRun(fileName);
    pipeline.registerImportRun(run);
    let spans = 0;
    let rejected = 0;
    const traces = new Set<string>();
    for (const batch of decoded.batches) {
      const r = await pipeline.ingest(batch, { transport: 'import', runId: run.id });
      spans += r.accepted;
      rejected += r.rejected;
      for (const s of batch.spans) {
        traces.add(s.traceId);
      }
    }
    const res: ImportResponse = { format: decoded.format, spans, traces: traces.size, runId: run.id };
    if (rejected > 0) {
      res.rejected = rejected;
    }
    return res;
  };

  const deleteData = async (): Promise<DeleteDataResponse> => {
    await pipeline.clearData();
    ctx.onClear?.();
    return { deleted: true };
  };

  const seg = '([^/]+)';
  return [
    { method: 'GET', pattern: /^\/api\/v1\/health$/, handler: health },
    { method: 'GET', pattern: /^\/api\/v1\/stats$/, handler: stats },
    { method: 'GET', pattern: /^\/api\/v1\/services$/, handler: services },
    { method: 'GET', pattern: /^\/api\/v1\/code-objects$/, handler: codeObjects },
    { method: 'POST', pattern: /^\/api\/v1\/code-objects\/lookup$/, handler: lookup },
    { method: 'GET', pattern: new RegExp(`^/api/v1/code-objects/${seg}/stats$`), handler: coStats },
    { method: 'GET', pattern: /^\/api\/v1\/insights$/, handler: insights },
    { method: 'GET', pattern: new RegExp(`^/api/v1/traces/${seg}$`), handler: trace },
    { method: 'GET', pattern: /^\/api\/v1\/runs$/, handler: runs },
    { method: 'GET', pattern: /^\/api\/v1\/compare$/, handler: compare },
    { method: 'POST', pattern: /^\/api\/v1\/import$/, handler: importTraces },
    { method: 'DELETE', pattern: /^\/api\/v1\/data$/, handler: deleteData },
  ];
}
