import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { EngineState } from '../shared/api';
import { ENGINE_RUNTIME_FLAGS } from '../shared/constants';
import { EngineApi } from './apiClient';
import { RestartPolicy } from './backoff';
import { processAlive, readEngineState } from './stateFile';

export type SupervisorStatus = 'stopped' | 'starting' | 'running' | 'restarting' | 'error';

export interface EngineConnection {
  state: EngineState;
  api: EngineApi;
  /** True when this supervisor spawned the engine (and so stops it on shutdown). */
  owned: boolean;
}

export interface SupervisorOptions {
  /** Absolute path of dist/engine.js. */
  enginePath: string;
  storageDir: string;
  /** Runtime that runs the engine: VS Code's own (`process.execPath` + ELECTRON_RUN_AS_NODE=1). */
  runtime?: string;
  host?: string;
  otlpHttpPort?: number;
  otlpGrpcPort?: number;
  /** Extra arguments for `serve`. */
  extraArgs?: string[];
  /** Engine stdout/stderr lines and supervisor events. */
  log(level: 'info' | 'warn' | 'error', line: string): void;
  onStatus?(status: SupervisorStatus, message?: string): void;
  /** The engine crashed more often than the restart policy allows. */
  onGaveUp?(message: string): void;
  policy?: RestartPolicy;
  startTimeoutMs?: number;
  healthIntervalMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Finds, starts and watches the engine: attach through the state file when one already runs, else
 * spawn `engine.js serve`; health-check it; restart with bounded backoff after a crash; stop it on
 * shutdown only when this supervisor started it. No `vscode` here, so it runs in plain Node tests.
 */
export class EngineSupervisor {
  private child: ChildProcess | undefined;
  private conn: EngineConnection | undefined;
  private starting: Promise<EngineConnection> | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private healthFailures = 0;
  private stopping = false;
  private disposed = false;
  private _status: SupervisorStatus = 'stopped';
  private lastError: string | undefined;
  private readonly policy: RestartPolicy;

  constructor(private readonly o: SupervisorOptions) {
    this.policy = o.policy ?? new RestartPolicy();
  }

  get status(): SupervisorStatus {
    return this._status;
  }

  get connection(): EngineConnection | undefined {
    return this.conn;
  }

  /** Starts or attaches once; concurrent callers share the same attempt. */
  ensureStarted(): Promise<EngineConnection> {
    if (this.conn) {
      return Promise.resolve(this.conn);
    }
    if (this.disposed) {
      return Promise.reject(new Error('SpanLens engine supervisor is shut down'));
    }
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private setStatus(s: SupervisorStatus, message?: string): void {
    this._status = s;
    this.o.onStatus?.(s, message);
  }

  private async start(): Promise<EngineConnection> {
    this.stopping = false;
    this.setStatus(this._status === 'restarting' ? 'restarting' : 'starting');
    try {
      const conn = (await this.attach()) ?? (await this.spawnEngine());
      this.conn = conn;
      this.healthFailures = 0;
      this.startHealthChecks();
      this.o.log('info', `${conn.owned ? 'started' : 'attached to'} engine pid ${conn.state.pid} (API 127.0.0.1:${conn.state.apiPort}, OTLP/HTTP ${conn.state.host}:${conn.state.otlpHttpPort})`);
      this.setStatus('running');
      return conn;
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.o.log('error', `engine start failed: ${this.lastError}`);
      this.setStatus('error', this.lastError);
      this.scheduleRestart(this.lastError);
      throw e;
    }
  }

  /** A running engine for this storage: its state file names a live pid that answers /health. */
  private async attach(): Promise<EngineConnection | undefined> {
    const state = await readEngineState(this.o.storageDir);
    if (!state || !processAlive(state.pid)) {
      return undefined;
    }
    const api = new EngineApi(state, connectHost(state.host));
    try {
      await api.health({ timeoutMs: 2_000 });
    } catch {
      return undefined;
    }
    return { state, api, owned: this.child?.pid === state.pid };
  }

  private async spawnEngine(): Promise<EngineConnection> {
    mkdirSync(this.o.storageDir, { recursive: true });
    const args = [...ENGINE_RUNTIME_FLAGS, this.o.enginePath, 'serve', '--storage', this.o.storageDir, '--api-port', '0'];
    if (this.o.host) {
      args.push('--host', this.o.host);
    }
    if (this.o.otlpHttpPort !== undefined) {
      args.push('--otlp-http-port', String(this.o.otlpHttpPort));
    }
    if (this.o.otlpGrpcPort !== undefined) {
      args.push('--otlp-grpc-port', String(this.o.otlpGrpcPort));
    }
    args.push(...(this.o.extraArgs ?? []));
    const child = spawn(this.o.runtime ?? process.execPath, args, {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    let exited: { code: number | null; signal: string | null } | undefined;
    const tail: string[] = [];
    const pipe = (stream: NodeJS.ReadableStream | null, level: 'info' | 'warn') => {
      let buf = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buf += chunk;
        const lines = buf.split(/\r?\n/);
        buf = lines.pop() ?? '';
        for (const line of lines) {
          if (line) {
            tail.push(line);
            if (tail.length > 20) {
              tail.shift();
            }
            this.o.log(level, `[engine] ${line}`);
          }
        }
      });
    };
    pipe(child.stdout, 'info');
    pipe(child.stderr, 'warn');
    child.on('error', (e) => this.o.log('error', `engine process error: ${e.message}`));
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      if (this.child === child) {
        this.child = undefined;
      }
      this.onChildExit(child, code, signal);
    });

    const deadline = Date.now() + (this.o.startTimeoutMs ?? 20_000);
    while (Date.now() < deadline) {
      const conn = await this.attach();
      if (conn && (conn.state.pid === child.pid || exited)) {
        return { ...conn, owned: conn.state.pid === child.pid && !exited };
      }
      if (exited && exited.code !== 0) {
        throw new Error(`engine exited with ${exited.code ?? exited.signal} before it was ready${tail.length ? `: ${tail.slice(-5).join(' | ')}` : ''}`);
      }
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error('engine did not become ready within the start timeout');
  }

  private onChildExit(child: ChildProcess, code: number | null, signal: string | null): void {
    const ours = this.conn?.owned && this.conn.state.pid === child.pid;
    if (!ours || this.stopping || this.disposed) {
      return;
    }
    this.o.log('error', `engine exited unexpectedly (${code ?? signal})`);
    this.onCrash(`engine exited with ${code ?? signal}`);
  }

  private startHealthChecks(): void {
    clearInterval(this.healthTimer);
    this.healthTimer = setInterval(() => void this.checkHealth(), this.o.healthIntervalMs ?? 5_000);
    this.healthTimer.unref();
  }

  private async checkHealth(): Promise<void> {
    const conn = this.conn;
    if (!conn) {
      return;
    }
    try {
      await conn.api.health({ timeoutMs: 2_000 });
      this.healthFailures = 0;
    } catch (e) {
      this.healthFailures++;
      this.o.log('warn', `engine health check failed (${this.healthFailures}): ${(e as Error).message}`);
      if (this.healthFailures >= 2 && this.conn === conn) {
        this.onCrash('engine stopped answering health checks');
      }
    }
  }

  private onCrash(reason: string): void {
    this.conn = undefined;
    clearInterval(this.healthTimer);
    this.scheduleRestart(reason);
  }

  private scheduleRestart(reason: string): void {
    if (this.disposed || this.stopping || this.restartTimer) {
      return;
    }
    const delay = this.policy.onCrash(Date.now());
    if (delay === undefined) {
      const message = `The SpanLens engine stopped and could not be restarted: ${reason}`;
      this.setStatus('error', message);
      this.o.onGaveUp?.(message);
      return;
    }
    this.setStatus('restarting', reason);
    this.o.log('info', `restarting the engine in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.ensureStarted().catch(() => undefined);
    }, delay);
  }

  /** Stops watching; terminates the engine only when this supervisor started it. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.healthTimer);
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const conn = this.conn;
    this.conn = undefined;
    const child = this.child;
    if (conn?.owned && child?.pid !== undefined && child.exitCode === null) {
      await terminate(child.pid, child);
    }
    this.setStatus('stopped');
  }

  /** Final shutdown (deactivate). */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }
}

/** Where to reach an engine bound to `host`: a wildcard bind is reached on loopback. */
export function connectHost(host: string | undefined): string {
  return !host || host === '0.0.0.0' || host === '::' || host === '[::]' ? '127.0.0.1' : host;
}

/** SIGTERM, then SIGKILL after a grace period. */
export async function terminate(pid: number, child?: ChildProcess, graceMs = 3_000): Promise<void> {
  const gone = child
    ? new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())))
    : (async () => {
        while (processAlive(pid)) {
          await sleep(50);
        }
      })();
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const timedOut = await Promise.race([gone.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
