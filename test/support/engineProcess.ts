/**
 * Starts the real engine process (`node dist/engine.js serve`) on loopback with free ports and a
 * temporary storage folder, reads its state file, and gives a typed API client. For every test tier
 * that needs a running engine. Build first (`npm run build`).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EngineState } from '../../src/shared/api';
import { ENGINE_RUNTIME_FLAGS } from '../../src/shared/constants';
import { EngineApiClient } from '../../src/engine/api/client';

export const ENGINE_JS = resolve(__dirname, '../../../dist/engine.js');

export interface EngineProcessOptions {
  /** Storage folder; default a new temp folder removed by `cleanup()`. */
  storage?: string;
  /** The engine script (default: this checkout's dist/engine.js). */
  engineJs?: string;
  /** Node binary to run the engine with (default: this process's). */
  node?: string;
  /** Node options before the script (default ENGINE_RUNTIME_FLAGS, as the extension starts it). */
  runtimeFlags?: readonly string[];
  /** Extra `serve` arguments (ports default to 0 = free). */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Engine config file content (written next to the storage folder and passed with --config). */
  config?: Record<string, unknown>;
  /** How long to wait for engine.json (ms). */
  timeoutMs?: number;
}

export interface EngineProcess {
  proc: ChildProcess;
  storage: string;
  state: EngineState;
  client: EngineApiClient;
  /** Everything the engine printed so far (stdout + stderr). */
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (kill -9) and wait. */
  kill9(): Promise<void>;
  /** Removes the storage folder when this helper created it. */
  cleanup(): void;
  exited: Promise<number | null>;
}

export function tempStorage(prefix = 'spanlens-engine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function readEngineState(storage: string): EngineState | undefined {
  try {
    return JSON.parse(readFileSync(join(storage, 'engine.json'), 'utf8')) as EngineState;
  } catch {
    return undefined;
  }
}

/** Runs `node dist/engine.js ARGS…` to completion: exit code and output. */
export function runEngineCli(args: string[], opts: { node?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(opts.node ?? process.execPath, [ENGINE_JS, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`engine ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    p.on('error', reject);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export async function startEngineProcess(opts: EngineProcessOptions = {}): Promise<EngineProcess> {
  const ownStorage = opts.storage === undefined;
  const storage = opts.storage ?? tempStorage();
  const args = [...(opts.runtimeFlags ?? ENGINE_RUNTIME_FLAGS), opts.engineJs ?? ENGINE_JS, 'serve', '--storage', storage, '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--api-port', '0', ...(opts.args ?? [])];
  if (opts.config) {
    const file = join(storage, 'test-engine-config.json');
    writeFileSync(file, JSON.stringify(opts.config));
    args.push('--config', file);
  }
  const proc = spawn(opts.node ?? process.execPath, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  let done = false;
  void exited.then(() => (done = true));
  const until = Date.now() + (opts.timeoutMs ?? 20_000);
  let state: EngineState | undefined;
  while (Date.now() < until && !done) {
    const s = readEngineState(storage);
    if (s && s.pid === proc.pid) {
      state = s;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!state) {
    proc.kill('SIGKILL');
    throw new Error(`engine did not start (exit ${done ? 'early' : 'timeout'}):\n${out}`);
  }
  const client = EngineApiClient.fromState(state);
  return {
    proc,
    storage,
    state,
    client,
    exited,
    output: () => out,
    async stop() {
      if (!done) {
        proc.kill('SIGTERM');
      }
      return exited;
    },
    async kill9() {
      if (!done) {
        proc.kill('SIGKILL');
      }
      await exited;
    },
    cleanup() {
      if (ownStorage) {
        rmSync(storage, { recursive: true, force: true });
      }
    },
  };
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Engine settings for tests: traces are handed on quickly. */
export const FAST_TRACES = { traceIdleMs: 100, traceOrphanIdleMs: 300 };
