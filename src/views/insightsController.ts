import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineService } from '../engineClient/engineService';
import type { ScopedLogger } from '../logger';
import { isSupportedDocument, workspacePath } from '../providers/documentData';
import type { DocumentDataService } from '../providers/documentData';
import type { ShowInsightsArgs } from '../providers/hoverMarkdown';
import { exceptionsFromInsights } from '../providers/hoverMarkdown';
import { pickPrimary, sortInsights } from '../providers/lensModel';
import type { CodeObject, CompareResponse, Insight, TraceResponse } from '../shared/api';
import { ATTR_CODE_FILEPATH, ATTR_CODE_FILE_PATH, ATTR_CODE_LINENO, ATTR_CODE_LINE_NUMBER, ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_STACKTRACE, ATTR_EXCEPTION_TYPE, EVENT_EXCEPTION } from '../shared/semconv';
import type { ErrorView, FocusView, InsightsViewState, TraceViewResult } from '../shared/webviewProtocol';
import type { RequestHandlers } from './insightsViewProvider';
import { InsightsViewProvider } from './insightsViewProvider';
import type { KeptExemplar } from './exemplars';
import { pickExemplars } from './exemplars';
import { resolveInWorkspace } from './pathGuard';
import { parseStackTrace } from './stackFrames';

const FOLLOW_DEBOUNCE_MS = 300;

function folders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}

/** Workspace-relative path of a file the guard accepted. */
function relative(abs: string): string {
  return vscode.workspace.asRelativePath(abs, false).replace(/\\/g, '/');
}

/** A path from trace data, checked to be an existing file inside the workspace. */
export function workspaceLocation(p: unknown, line: unknown): { path: string; line?: number } | undefined {
  if (typeof p !== 'string') {
    return undefined;
  }
  const abs = resolveInWorkspace(folders(), p);
  return abs ? { path: relative(abs), line: typeof line === 'number' ? line : undefined } : undefined;
}

/**
 * Feeds the Insights view: follows the function at the cursor (or the one a lens/hover asked for),
 * keeps the overview (engine, top insights, runs), and answers the view's requests.
 */
export class InsightsController implements vscode.Disposable {
  readonly view: InsightsViewProvider;
  private state: InsightsViewState;
  private seq = 0;
  private followTimer: NodeJS.Timeout | undefined;
  private pinned: ShowInsightsArgs | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly engine: EngineService,
    private readonly data: DocumentDataService,
    private readonly log: ScopedLogger,
  ) {
    this.state = { engine: this.engineState(), topInsights: [], runs: [], seq: 0 };
    this.view = new InsightsViewProvider(extensionUri, this.state, () => this.handlers);
    this.subscriptions.push(
      this.view,
      this.view.onDidResolve(() => {
        this.engine.startInBackground();
        void this.refresh();
      }),
      this.view.onDidChangeVisibility((visible) => visible && void this.refresh()),
      engine.onDidChangeStatus(() => void this.refresh()),
      engine.onDidChangeData(() => void this.refresh()),
      vscode.window.onDidChangeTextEditorSelection((e) => this.follow(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.follow(e)),
    );
  }

  private get handlers(): RequestHandlers {
    return {
      'trace/get': (p) => this.trace(p.traceId),
      'code/open': (p) => this.openCode(p.path, p.line),
      'compare/get': async (p) => {
        const cmp = await this.requireApi().compare(p.baseline, p.candidate);
        this.publish({ compare: cmp });
        return cmp;
      },
    };
  }

  private requireApi() {
    const api = this.engine.api;
    if (!api) {
      throw new Error('The SpanLens engine is not running');
    }
    return api;
  }

  private engineState(): InsightsViewState['engine'] {
    return {
      status: this.engine.status,
      otlpHttpEndpoint: this.engine.otlpHttpEndpoint,
      otlpGrpcEndpoint: this.engine.otlpGrpcEndpoint,
      message: this.engine.statusMessage,
      spansStored: this.engine.stats?.spansStored,
      ingestRatePerSec: this.engine.stats?.ingestRatePerSec,
    };
  }

  private publish(patch: Partial<InsightsViewState>): void {
    this.state = { ...this.state, ...patch, engine: this.engineState(), seq: ++this.seq };
    this.view.update(this.state);
  }

  /** Show the panel on a function (lens/hover click) or as it is. */
  async show(args?: ShowInsightsArgs): Promise<void> {
    await vscode.commands.executeCommand(`${InsightsViewProvider.viewType}.focus`);
    if (args && Array.isArray(args.codeObjects)) {
      this.pinned = args;
      await this.focusOn(args);
      this.view.showSection('focus');
    }
  }

  showCompare(cmp: CompareResponse): void {
    this.publish({ compare: cmp });
    this.view.showSection('compare');
  }

  private follow(editor: vscode.TextEditor): void {
    if (!this.view.visible || !isSupportedDocument(editor.document)) {
      return;
    }
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => void this.followNow(editor), FOLLOW_DEBOUNCE_MS);
  }

  private async followNow(editor: vscode.TextEditor): Promise<void> {
    try {
      const at = await this.data.functionAt(editor.document, editor.selection.active.line);
      if (!at?.data || (at.data.codeObjects.length === 0 && at.data.insights.length === 0)) {
        return; // keep showing the last function: moving through blank lines should not flicker
      }
      const args: ShowInsightsArgs = {
        label: at.fn.qualifiedName,
        codeObjects: at.data.codeObjects.map((c) => c.id),
        path: at.fileData?.map.path,
        line: at.fn.line + 1,
      };
      this.pinned = args;
      await this.focusOn(args, at.data.codeObjects, at.data.insights);
    } catch (e) {
      this.log.debug(`follow cursor failed: ${(e as Error).message}`);
    }
  }

  /** Rebuilds the overview and the focused function from the engine. */
  async refresh(): Promise<void> {
    const api = this.engine.api;
    if (!api) {
      this.publish({});
      return;
    }
    try {
      const [{ insights }, { runs }] = await Promise.all([api.insights({ minSeverity: 'low', limit: 20 }), api.runs()]);
      this.publish({ topInsights: sortInsights(insights.filter((i) => i.type !== 'duration' && i.type !== 'usage')), runs });
      if (this.pinned) {
        await this.focusOn(this.pinned);
      }
    } catch (e) {
      this.log.debug(`panel refresh failed: ${(e as Error).message}`);
      this.publish({});
    }
  }

  private async focusOn(args: ShowInsightsArgs, knownObjects?: CodeObject[], knownInsights?: Insight[]): Promise<void> {
    const api = this.engine.api ?? (await this.engine.ensureStarted().catch(() => undefined));
    if (!api) {
      return;
    }
    if (!knownInsights && args.path && args.line) {
      // From a lens or hover: the document's data also holds insights attributed by SQL literal.
      const doc = vscode.workspace.textDocuments.find((d) => workspacePath(d.uri) === args.path);
      const at = doc ? await this.data.functionAt(doc, args.line - 1).catch(() => undefined) : undefined;
      if (at?.data) {
        knownInsights = at.data.insights;
        knownObjects = at.data.codeObjects;
      }
    }
    const insights = knownInsights ?? (args.codeObjects.length ? (await api.insights({ keys: args.codeObjects })).insights : []);
    const objects = knownObjects ?? (args.codeObjects.length ? (await api.lookup({ keys: args.codeObjects })).codeObjects : []);
    const primary = pickPrimary(objects);
    const stats = primary ? await this.data.codeObjectStats(primary.id).catch(() => undefined) : undefined;
    const exemplars = pickExemplars((stats as { exemplars?: KeptExemplar[] } | undefined)?.exemplars, insights);
    const errorTrace = exemplars.find((e) => e.role === 'error');
    const errors = errorTrace ? await this.errorsOf(errorTrace.traceId, insights).catch(() => []) : [];
    const focus: FocusView = {
      label: args.label,
      path: args.path,
      line: args.line,
      codeObjects: args.codeObjects,
      stats,
      insights: sortInsights(insights),
      exemplars,
      errors,
      neverReached: objects.length === 0 ? true : undefined,
    };
    this.publish({ focus, compare: undefined });
  }

  private async errorsOf(traceId: string, insights: Insight[]): Promise<ErrorView[]> {
    const trace = await this.requireApi().trace(traceId);
    const counts = new Map(exceptionsFromInsights(insights).map((e) => [e.type, e.count]));
    const out: ErrorView[] = [];
    for (const span of trace.spans) {
      for (const ev of span.events) {
        if (ev.name !== EVENT_EXCEPTION) {
          continue;
        }
        const type = String(ev.attributes[ATTR_EXCEPTION_TYPE] ?? 'Error');
        const stack = String(ev.attributes[ATTR_EXCEPTION_STACKTRACE] ?? '');
        out.push({
          type,
          message: String(ev.attributes[ATTR_EXCEPTION_MESSAGE] ?? span.status.message ?? ''),
          count: counts.get(type) ?? 1,
          traceId,
          frames: parseStackTrace(stack).map((f) => {
            const loc = f.file ? workspaceLocation(f.file, f.line) : undefined;
            return { text: f.text, function: f.function, path: loc?.path, line: loc ? f.line : undefined };
          }),
        });
      }
    }
    return out.slice(0, 5);
  }

  private async trace(traceId: string): Promise<TraceViewResult> {
    const trace: TraceResponse = await this.requireApi().trace(traceId);
    const locations: TraceViewResult['locations'] = {};
    for (const s of trace.spans) {
      const file = s.attributes[ATTR_CODE_FILE_PATH] ?? s.attributes[ATTR_CODE_FILEPATH];
      const line = s.attributes[ATTR_CODE_LINE_NUMBER] ?? s.attributes[ATTR_CODE_LINENO];
      const loc = workspaceLocation(file, line);
      if (loc) {
        locations[s.spanId] = loc;
      }
    }
    return { trace, locations };
  }

  /** Opens a workspace file at a line, after checking it is inside the workspace. */
  async openCode(p: string, line?: number): Promise<{ opened: boolean; reason?: string }> {
    const abs = resolveInWorkspace(folders(), p);
    if (!abs) {
      this.log.warn(`refused to open ${p}: not a file inside the workspace`);
      return { opened: false, reason: `${path.basename(p)} is not a file inside the workspace` };
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(abs));
    const pos = new vscode.Position(Math.max(0, Math.min((line ?? 1) - 1, doc.lineCount - 1)), 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preserveFocus: false });
    return { opened: true };
  }

  dispose(): void {
    clearTimeout(this.followTimer);
    for (const s of this.subscriptions.splice(0)) {
      s.dispose();
    }
  }
}
