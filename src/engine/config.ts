/**
 * Engine configuration: defaults, the optional JSON config file (`--config FILE`) and command-line
 * flags, merged in that order. Sections other than the engine's own (e.g. `insights`) are kept as
 * they are for the components that read them.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_OTLP_GRPC_PORT, DEFAULT_OTLP_HTTP_PORT, MAX_OTLP_BODY_BYTES } from '../shared/constants';

export type StoreBackendChoice = 'auto' | 'node:sqlite' | 'node-sqlite3-wasm';

export interface EngineConfig {
  /** Address of the receivers and the API (loopback unless the user says otherwise). */
  host: string;
  /** OTLP/HTTP port; 0 picks a free one. */
  otlpHttpPort: number;
  /** OTLP/gRPC port; 0 picks a free one. */
  otlpGrpcPort: number;
  /** Query API port; 0 (default) picks a free one. */
  apiPort: number;
  /** Storage folder: database, journal, state file. */
  storage: string;
  /** Which SQLite to use; `auto` prefers `node:sqlite` when the runtime has it. */
  storeBackend: StoreBackendChoice;
  /** Largest accepted OTLP body after decompression. */
  maxBodyBytes: number;
  /** An OTLP/HTTP request whose headers and body have not fully arrived after this long gets 408. */
  requestTimeoutMs: number;
  /** Drop aggregates and exemplars not updated for this many days. */
  retentionDays: number;
  /** Largest database size; the oldest buckets go first. */
  maxStorageMB: number;
  /** How often the journal is checkpointed into the database. */
  checkpointIntervalMs: number;
  /** Minute buckets older than this are rolled up into hour buckets. */
  rollupAfterMs: number;
  /** Bytes of ingest waiting for the journal before ingest answers "overloaded". */
  maxQueueBytes: number;
  /** How long after a trace's last span late spans are still joined to it. */
  lateWindowMs: number;
  /** A trace is handed to the analyzers this long after its local root ended and nothing new came. */
  traceIdleMs: number;
  /** A trace whose local root never arrives is handed over after this long without new spans. */
  traceOrphanIdleMs: number;
  /** Most spans the assembler buffers in total; the oldest quiet traces are evicted beyond it. */
  maxBufferedSpans: number;
  /** Most spans kept for one trace (assembly and exemplars). */
  maxSpansPerTrace: number;
  /**
   * Assembled traces per second the insights analyse in full; past it they analyse a sample chosen
   * by trace id, plus the first few per second of each kind of trace (assembler.ts STRATUM_FLOOR);
   * aggregates always count every span. The insights keep the facts of `maxTraces` traces (5,000),
   * which this rate refills in 20 s of sustained load.
   */
  insightTracesPerSecond: number;
  /**
   * With `--expose-gc` (`serve` sets it at run time when the node command line lacks it): one
   * memory-reducing full GC once ingest has been quiet this long (V8 alone keeps the heap it grew under
   * load; this gives it back to the developer's machine; store/idleGc.ts). 0 turns it off.
   */
  idleGcAfterMs: number;
  /** …and only if the V8 heap plus the buffers outside it grew by this much since the last one. */
  idleGcMinGrowthMB: number;
  /** Exemplar traces kept per code object and role (slowest, errors, random). */
  exemplarsPerRole: number;
  /** Other sections of the config file, by name (e.g. `insights`). */
  sections: Record<string, unknown>;
}

export function defaultStorage(): string {
  return join(homedir(), '.spanlens');
}

export function defaultConfig(): EngineConfig {
  return {
    host: DEFAULT_HOST,
    otlpHttpPort: DEFAULT_OTLP_HTTP_PORT,
    otlpGrpcPort: DEFAULT_OTLP_GRPC_PORT,
    apiPort: 0,
    storage: defaultStorage(),
    storeBackend: 'auto',
    maxBodyBytes: MAX_OTLP_BODY_BYTES,
    requestTimeoutMs: 30_000,
    retentionDays: 7,
    maxStorageMB: 512,
    checkpointIntervalMs: 2000,
    rollupAfterMs: 6 * 3600_000,
    maxQueueBytes: 256 * 1024 * 1024,
    lateWindowMs: 120_000,
    traceIdleMs: 1500,
    traceOrphanIdleMs: 10_000,
    maxBufferedSpans: 20_000,
    maxSpansPerTrace: 5000,
    insightTracesPerSecond: 250,
    idleGcAfterMs: 1000,
    idleGcMinGrowthMB: 16,
    exemplarsPerRole: 3,
    sections: {},
  };
}

const NUMBER_FIELDS = [
  'otlpHttpPort',
  'otlpGrpcPort',
  'apiPort',
  'maxBodyBytes',
  'requestTimeoutMs',
  'retentionDays',
  'maxStorageMB',
  'checkpointIntervalMs',
  'rollupAfterMs',
  'maxQueueBytes',
  'lateWindowMs',
  'traceIdleMs',
  'traceOrphanIdleMs',
  'maxBufferedSpans',
  'maxSpansPerTrace',
  'insightTracesPerSecond',
  'idleGcAfterMs',
  'idleGcMinGrowthMB',
  'exemplarsPerRole',
] as const;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Applies a partial configuration (parsed config file or flags) onto `base`, validating each field.
 * Keys of the `engine` section (or top-level engine keys) are engine settings; other object-valued
 * top-level keys are kept in `sections`.
 */
export function applyConfig(base: EngineConfig, input: Record<string, unknown>, origin: string): EngineConfig {
  const out: EngineConfig = { ...base, sections: { ...base.sections } };
  const engine = (typeof input.engine === 'object' && input.engine !== null ? input.engine : input) as Record<string, unknown>;
  for (const f of NUMBER_FIELDS) {
    const v = engine[f];
    if (v === undefined) {
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || !Number.isInteger(v)) {
      throw new ConfigError(`${origin}: '${f}' must be a non-negative integer, got ${JSON.stringify(v)}`);
    }
    if ((f === 'otlpHttpPort' || f === 'otlpGrpcPort' || f === 'apiPort') && v > 65535) {
      throw new ConfigError(`${origin}: '${f}' must be a port number (0-65535), got ${v}`);
    }
    out[f] = v;
  }
  if (engine.host !== undefined) {
    if (typeof engine.host !== 'string' || engine.host === '') {
      throw new ConfigError(`${origin}: 'host' must be a non-empty string`);
    }
    out.host = engine.host;
  }
  if (engine.storage !== undefined) {
    if (typeof engine.storage !== 'string' || engine.storage === '') {
      throw new ConfigError(`${origin}: 'storage' must be a non-empty string`);
    }
    out.storage = resolve(engine.storage);
  }
  if (engine.storeBackend !== undefined) {
    if (engine.storeBackend !== 'auto' && engine.storeBackend !== 'node:sqlite' && engine.storeBackend !== 'node-sqlite3-wasm') {
      throw new ConfigError(`${origin}: 'storeBackend' must be auto, node:sqlite or node-sqlite3-wasm`);
    }
    out.storeBackend = engine.storeBackend;
  }
  for (const [k, v] of Object.entries(input)) {
    if (k !== 'engine' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      out.sections[k] = v;
    }
  }
  return out;
}

export function loadConfigFile(base: EngineConfig, file: string): EngineConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must hold a JSON object`);
  }
  return applyConfig(base, parsed as Record<string, unknown>, file);
}
