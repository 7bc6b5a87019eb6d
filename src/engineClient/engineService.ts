import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensConfig } from '../config';
import type { ScopedLogger } from '../logger';
import type { StatsResponse } from '../shared/api';
import { Commands } from '../shared/constants';
import type { EngineApi } from './apiClient';
import type { EngineConnection, SupervisorStatus } from './engineSupervisor';
import { EngineSupervisor, connectHost, terminate } from './engineSupervisor';
import { declaredInsightSettings, engineConfigFile } from './insightSettings';

const POLL_MS = 3_000;

/**
 * The extension's handle on the engine: lazily started (never on the activate() path), status and
 * data-change events for the UI, and the typed API once running.
 */
export class EngineService implements vscode.Disposable {
  private readonly _onDidChangeStatus = new vscode.EventEmitter<SupervisorStatus>();
  /** Fires when the engine reports new data (spans stored changed) or was cleared. */
  private readonly _onDidChangeData = new vscode.EventEmitter<StatsResponse | undefined>();
  readonly onDidChangeStatus = this._onDidChangeStatus.event;
  readonly onDidChangeData = this._onDidChangeData.event;
  private supervisor: EngineSupervisor | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private lastStats: StatsResponse | undefined;
  private lastMessage: string | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: ScopedLogger,
    private config: () => SpanLensConfig,
  ) {}

  get status(): SupervisorStatus {
    return this.supervisor?.status ?? 'stopped';
  }

  get statusMessage(): string | undefined {
    return this.lastMessage;
  }

  get stats(): StatsResponse | undefined {
    return this.lastStats;
  }

  /** The API when the engine is running; undefined otherwise (callers show nothing, never block). */
  get api(): EngineApi | undefined {
    return this.supervisor?.connection?.api;
  }

  get connection(): EngineConnection | undefined {
    return this.supervisor?.connection;
  }

  /** OTLP/HTTP endpoint apps should export to (from the running engine, else from the settings). */
  get otlpHttpEndpoint(): string {
    return this.endpoint('otlpHttpPort');
  }

  get otlpGrpcEndpoint(): string {
    return this.endpoint('otlpGrpcPort');
  }

  /** From the running engine, else from the settings (port 0 is only known once it runs). */
  private endpoint(which: 'otlpHttpPort' | 'otlpGrpcPort'): string {
    const s = this.connection?.state;
    const c = this.config().engine;
    const host = connectHost(s?.host ?? c.host);
    return `http://${host}:${s?.[which] || c[which]}`;
  }

  get storageDir(): string {
    const configured = this.config().engine.storagePath;
    return configured ? configured : this.context.globalStorageUri.fsPath;
  }

  /** Start or attach on first need; resolves with the API, rejects when the engine cannot start. */
  async ensureStarted(): Promise<EngineApi> {
    const conn = await this.getSupervisor().ensureStarted();
    return conn.api;
  }

  /** Starts in the background; failures are logged and shown by the status bar. */
  startInBackground(): void {
    this.ensureStarted().catch(() => undefined);
  }

  private getSupervisor(): EngineSupervisor {
    if (!this.supervisor) {
      const c = this.config().engine;
      this.supervisor = new EngineSupervisor({
        enginePath: path.join(this.context.extensionUri.fsPath, 'dist', 'engine.js'),
        storageDir: this.storageDir,
        runtime: process.execPath,
        host: c.host,
        otlpHttpPort: c.otlpHttpPort,
        otlpGrpcPort: c.otlpGrpcPort,
        extraArgs: ['--config', this.writeEngineConfig()],
        log: (level, line) => this.log[level](line),
        onStatus: (s, message) => {
          this.lastMessage = message;
          this.onStatus(s);
        },
        onGaveUp: (message) => void this.notifyGaveUp(message),
      });
    }
    return this.supervisor;
  }

  /**
   * Settings the engine reads from its config file (retention, size, insight thresholds); written
   * next to its store when it is started from this window, and again on each restart, which is how a
   * change of these settings reaches the engine (container.ts restarts it).
   */
  private writeEngineConfig(): string {
    const file = path.join(this.storageDir, 'extension-config.json');
    const content = engineConfigFile(this.config(), declaredInsightSettings(this.context.extension.packageJSON));
    fs.mkdirSync(this.storageDir, { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    return file;
  }

  private onStatus(s: SupervisorStatus): void {
    if (s === 'running') {
      this.startPolling();
    } else {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
    this._onDidChangeStatus.fire(s);
  }

  private startPolling(): void {
    clearInterval(this.pollTimer);
    void this.poll();
    this.pollTimer = setInterval(() => void this.poll(), POLL_MS);
  }

  /** Polls /stats; a change in stored spans or insights (or the first answer) means new data. */
  async poll(): Promise<void> {
    const api = this.api;
    if (!api) {
      return;
    }
    try {
      const stats = await api.stats({ timeoutMs: 2_000 });
      const prev = this.lastStats;
      this.lastStats = stats;
      // New insights come from the engine's background evaluation, a moment after the spans that
      // raised them: their version counts as new data too.
      if (
        !prev ||
        prev.spansStored !== stats.spansStored ||
        prev.lastIngestAt !== stats.lastIngestAt ||
        prev.ingestRatePerSec !== stats.ingestRatePerSec ||
        prev.insightsVersion !== stats.insightsVersion
      ) {
        this._onDidChangeData.fire(stats);
      }
    } catch (e) {
      this.log.debug(`stats poll failed: ${(e as Error).message}`);
    }
  }

  private async notifyGaveUp(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Show Log', 'Restart Engine');
    if (choice === 'Show Log') {
      await vscode.commands.executeCommand(Commands.showLog);
    } else if (choice === 'Restart Engine') {
      await vscode.commands.executeCommand(Commands.restartEngine);
    }
  }

  /** Restart (command, or engine settings changed): a fresh supervisor picks up new settings. */
  async restart(): Promise<EngineApi> {
    const old = this.supervisor;
    if (old) {
      const conn = old.connection;
      await old.dispose();
      if (conn && !conn.owned) {
        // attached to another window's engine: restart means a fresh engine for this storage
        await terminate(conn.state.pid);
      }
    }
    this.supervisor = undefined;
    this.lastStats = undefined;
    return this.ensureStarted();
  }

  /** Clears cached figures after a data reset. */
  dataCleared(): void {
    this.lastStats = undefined;
    this._onDidChangeData.fire(undefined);
    void this.poll();
  }

  /** deactivate(): stop the engine if this window started it. */
  async shutdown(): Promise<void> {
    clearInterval(this.pollTimer);
    await this.supervisor?.dispose();
  }

  dispose(): void {
    clearInterval(this.pollTimer);
    this._onDidChangeStatus.dispose();
    this._onDidChangeData.dispose();
  }
}
