/**
 * `serve`: composes the engine — lock on the storage folder (or attach to the engine holding it),
 * ingest pipeline (journal, store, assembler), OTLP receivers, query API, state file — and stops it
 * gracefully (flush, checkpoint, state file removed).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { EngineState } from '../shared/api';
import { EngineApiClient } from './api/client';
import { startApiServer } from './api/http';
import type { ApiContext, InsightProvider, TraceImporter } from './api/routes';
import { buildRoutes } from './api/routes';
import type { EngineConfig } from './config';
import type { Logger } from './logger';
import type { TraceObserver } from './model';
import type { ReceiverHandle, ReceiverLog, ReceiverOptions } from './receivers/export';
import type { CheckpointParticipant } from './store/spanStore';
import { IngestPipeline } from './store/pipeline';
import { acquireLock, readState, releaseLock, removeState, writeState } from './stateFile';
import { engineVersion } from './version';

export type ReceiverStarter = (opts: ReceiverOptions) => Promise<ReceiverHandle>;

/**
 * Optional parts wired in by main.ts as they exist: receivers, importers and the insights engine.
 * The insights engine gets the pipeline's store (an AggregateReader) and may observe traces and
 * save its state with each checkpoint.
 */
export interface EngineParts {
  otlpHttp?: ReceiverStarter;
  otlpGrpc?: ReceiverStarter;
  importer?: TraceImporter;
  insights?: (
    store: IngestPipeline['store'],
    config: EngineConfig,
    log: Logger,
  ) => { provider: InsightProvider; observer?: TraceObserver; participant?: CheckpointParticipant; reset?: () => void };
}

export interface RunningEngine {
  state: EngineState;
  pipeline: IngestPipeline;
  stop(): Promise<void>;
}

export type ServeOutcome = { kind: 'running'; engine: RunningEngine } | { kind: 'attached'; state: EngineState } | { kind: 'failed'; exitCode: number; message: string };

class PortInUseError extends Error {}

/** The receivers log through a function; debug lines are dropped. */
function receiverLog(l: Logger): ReceiverLog {
  return (level, message) => {
    if (level !== 'debug') {
      l[level](message);
    }
  };
}

function describeListenError(e: unknown, what: string, port: number, host: string, flag: string, setting: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    return new PortInUseError(
      `port ${port} (${what}) on ${host} is ${code === 'EADDRINUSE' ? 'already in use by another program' : 'not allowed'}. ` +
        `Start the engine with ${flag} <port> (0 picks a free one), or change the VS Code setting ${setting}.`,
    );
  }
  return e as Error;
}

async function waitForRunning(storage: string, owner: number, timeoutMs: number): Promise<EngineState | undefined> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const s = readState(storage);
    if (s && s.pid === owner) {
      try {
        const h = await EngineApiClient.fromState(s, 2000).health();
        if (h.status === 'ok') {
          return s;
        }
      } catch {
        // starting up: retry
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/**
 * Starts the engine on `config.storage`, or finds the engine already holding it. `local`: for a CLI
 * command without a running engine — no receivers and no state file, API on a free loopback port.
 */
export async function startEngine(config: EngineConfig, parts: EngineParts, log: Logger, opts: { local?: boolean } = {}): Promise<ServeOutcome> {
  mkdirSync(config.storage, { recursive: true, mode: 0o700 });
  const owner = acquireLock(config.storage);
  if (owner !== undefined) {
    const s = await waitForRunning(config.storage, owner, 15_000);
    if (s) {
      return { kind: 'attached', state: s };
    }
    return { kind: 'failed', exitCode: 2, message: `another engine (pid ${owner}) holds ${config.storage} but does not answer on its API` };
  }
  const startedAt = Date.now();
  let pipeline: IngestPipeline | undefined;
  const closers: (() => Promise<void>)[] = [];
  try {
    pipeline = new IngestPipeline(config, log);
    const ctx: ApiContext = { pipeline, config, version: engineVersion(), startedAt, ports: { otlpHttpPort: 0, otlpGrpcPort: 0, apiPort: 0 } };
    if (parts.importer) {
      ctx.importer = parts.importer;
    }
    if (parts.insights) {
      const ins = parts.insights(pipeline.store, config, log.child('insights'));
      ctx.insights = ins.provider;
      if (ins.observer) {
        pipeline.addObserver(ins.observer, { tracesPerSecond: config.insightTracesPerSecond });
      }
      if (ins.participant) {
        pipeline.addParticipant(ins.participant);
      }
      if (ins.reset) {
        ctx.onClear = ins.reset;
      }
    }
    pipeline.start();
    log.info(`store ${config.storage} (${pipeline.store.backend}); ${pipeline.store.codeObjects().length} code objects`);

    const token = randomBytes(32).toString('hex');
    const receivers: [ReceiverStarter | undefined, number, string, string, string, 'otlpHttpPort' | 'otlpGrpcPort'][] = [
      [parts.otlpHttp, config.otlpHttpPort, 'OTLP/HTTP', '--otlp-http-port', 'spanlens.engine.otlpHttpPort', 'otlpHttpPort'],
      [parts.otlpGrpc, config.otlpGrpcPort, 'OTLP/gRPC', '--otlp-grpc-port', 'spanlens.engine.otlpGrpcPort', 'otlpGrpcPort'],
    ];
    for (const [start, port, what, flag, setting, field] of receivers) {
      if (!start || opts.local) {
        continue;
      }
      try {
        const h = await start({ host: config.host, port, sink: pipeline, maxBodyBytes: config.maxBodyBytes, requestTimeoutMs: config.requestTimeoutMs, log: receiverLog(log.child(what === 'OTLP/HTTP' ? 'otlp-http' : 'otlp-grpc')) });
        closers.push(() => h.close());
        ctx.ports[field] = h.port;
        log.info(`${what} receiver on ${config.host}:${h.port}`);
      } catch (e) {
        throw describeListenError(e, what, port, config.host, flag, setting);
      }
    }
    let api: Awaited<ReturnType<typeof startApiServer>>;
    try {
      api = await startApiServer({ host: opts.local ? '127.0.0.1' : config.host, port: opts.local ? 0 : config.apiPort, token, routes: buildRoutes(ctx), maxBodyBytes: 600 * 1024 * 1024, log: log.child('api') });
    } catch (e) {
      throw describeListenError(e, 'query API', config.apiPort, config.host, '--api-port', 'spanlens.engine.apiPort');
    }
    closers.push(() => api.close());
    ctx.ports.apiPort = api.port;
    log.info(`query API on http://${config.host}:${api.port}/api/v1`);

    const state: EngineState = { pid: process.pid, version: ctx.version, host: config.host, ...ctx.ports, token, startedAt, storage: config.storage };
    if (!opts.local) {
      writeState(config.storage, state);
    }
    let stopping: Promise<void> | undefined;
    const p = pipeline;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        log.info('stopping: flushing ingest and writing a last checkpoint');
        // Receivers first (no new batches), then the API, then the pipeline's own flush.
        for (const c of closers) {
          await c().catch((e: unknown) => log.warn(`close: ${(e as Error).message}`));
        }
        await p.close();
        removeState(config.storage);
        releaseLock(config.storage);
        log.info('stopped');
      })());
    return { kind: 'running', engine: { state, pipeline, stop } };
  } catch (e) {
    for (const c of closers) {
      await c().catch(() => undefined);
    }
    await pipeline?.close().catch(() => undefined);
    releaseLock(config.storage);
    if (e instanceof PortInUseError) {
      return { kind: 'failed', exitCode: 2, message: e.message };
    }
    throw e;
  }
}
