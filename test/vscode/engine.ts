import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineState, InsightsResponse, StatsResponse } from '../../src/shared/api';
import { shiftDemoFiles } from '../../src/engineClient/demoData';
import { API_PREFIX, OTLP_TRACES_PATH, STATE_FILE_NAME } from '../../src/shared/constants';
import { stopProcess, trackProcessGroup } from './processes';
import { repoRoot } from './paths';

/** The real engine process (dist/engine.js) on loopback, with its storage in a temp folder. */
export interface RunningEngine {
  readonly state: EngineState;
  readonly storage: string;
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

const engineJs = join(repoRoot, 'dist', 'engine.js');

/** True once dist/engine.js has a `serve` command (the engine issue); until then data tests are pending. */
export function engineCanServe(): boolean {
  if (!existsSync(engineJs)) {
    return false;
  }
  const r = spawnSync(process.execPath, [engineJs, 'serve', '--help'], { encoding: 'utf8', timeout: 15_000 });
  return r.status === 0;
}

/** Starts `node dist/engine.js serve` with every port 0 and waits for its state file. */
export async function startEngine(storage: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<RunningEngine> {
  const child = spawn(
    process.execPath,
    [engineJs, 'serve', '--storage', storage, '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--api-port', '0'],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  trackProcessGroup(child);
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const state = await waitForState(child, join(storage, STATE_FILE_NAME), () => log, timeoutMs);
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${state.apiPort}${API_PREFIX}${path}`, { headers: { authorization: `Bearer ${state.token}` } });
    if (!res.ok) {
      throw new Error(`engine API ${path}: HTTP ${res.status} ${await res.text()}`);
    }
    return (await res.json()) as T;
  };
  // The health route answers once the API is up; the state file may be written just before.
  await retry(() => api('/health'), 10_000);
  return { state, storage, api, stop: () => stopProcess(child, { group: true }) };
}

async function waitForState(child: ChildProcess, file: string, log: () => string, timeoutMs: number): Promise<EngineState> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the engine exited (${child.exitCode}) before writing ${file}:\n${log()}`);
    }
    try {
      const state = JSON.parse(readFileSync(file, 'utf8')) as EngineState;
      if (state.apiPort && state.token && state.pid === child.pid) {
        return state;
      }
    } catch {
      // not written yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`the engine wrote no ${file} within ${timeoutMs / 1000} s:\n${log()}`);
}

/**
 * Sends recorded OTLP files to the engine's OTLP/HTTP receiver as an exporter would: `.json` (one
 * ExportTraceServiceRequest) or `.jsonl`/`.ndjson` (one per line, the Collector's file exporter), and `.pb`/`.bin`
 * (protobuf, sent as is). JSON recordings are first moved in time together, as "Load Demo Data" does, so the
 * newest span ends now and time windows and retention treat them as fresh. Folders are walked. Returns the
 * number of requests sent; each must be accepted with 200.
 */
export async function sendOtlpFiles(engine: RunningEngine, paths: string[]): Promise<number> {
  const url = `http://127.0.0.1:${engine.state.otlpHttpPort}${OTLP_TRACES_PATH}`;
  let requests = 0;
  const post = async (body: string | Buffer, contentType: string, what: string) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
    if (res.status !== 200) {
      throw new Error(`the engine refused ${what}: HTTP ${res.status} ${await res.text()}`);
    }
    requests++;
  };
  const files = paths.flatMap(listFiles);
  const jsonFiles = files.filter((f) => /\.(json|jsonl|ndjson)$/.test(f));
  const shifted = shiftDemoFiles(jsonFiles.map((f) => readFileSync(f, 'utf8')), Date.now());
  for (const [i, text] of shifted.entries()) {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    for (const [n, line] of lines.entries()) {
      await post(line, 'application/json', `${jsonFiles[i]} request ${n + 1}`);
    }
  }
  for (const file of files.filter((f) => /\.(pb|bin)$/.test(f))) {
    await post(readFileSync(file), 'application/x-protobuf', file);
  }
  return requests;
}

/** Waits until the engine has stored spans and the count stopped moving (the assembler flushed). */
export async function waitForStoredSpans(engine: RunningEngine, timeoutMs = 30_000): Promise<StatsResponse> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const stats = await engine.api<StatsResponse>('/stats');
    if (stats.spansStored > 0 && stats.spansStored === last) {
      return stats;
    }
    last = stats.spansStored;
    if (Date.now() > deadline) {
      throw new Error(`the engine stored ${stats.spansStored} of ${stats.spansReceived} spans within ${timeoutMs / 1000} s`);
    }
    await sleep(500);
  }
}

/** The distinct types of the insights the engine raised (its analyzers run on what it stored). */
export async function raisedInsightTypes(engine: RunningEngine): Promise<string[]> {
  const { insights } = await engine.api<InsightsResponse>('/insights?limit=1000');
  return [...new Set(insights.map((i) => i.type))].sort();
}

/**
 * Waits until the engine has raised every insight type the recorded traces plant. Pattern insights (N+1)
 * come from assembled traces, which the assembler hands on only once they are quiet, so they lag storage.
 */
export async function waitForInsightTypes(engine: RunningEngine, wanted: string[], timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const types = await raisedInsightTypes(engine);
    if (wanted.every((t) => types.includes(t))) {
      return types;
    }
    if (Date.now() > deadline) {
      throw new Error(`the engine did not raise ${wanted.filter((t) => !types.includes(t)).join(', ')} within ${timeoutMs / 1000} s (raised: ${types.join(', ') || 'none'})`);
    }
    await sleep(500);
  }
}

function listFiles(p: string): string[] {
  if (!statSync(p).isDirectory()) {
    return [p];
  }
  return readdirSync(p)
    .sort()
    .flatMap((name) => listFiles(join(p, name)));
}

async function retry<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) {
        throw e;
      }
      await sleep(200);
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
