import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineService } from './engineClient/engineService';
import type { Logger } from './logger';
import type { ShowInsightsArgs } from './providers/hoverMarkdown';
import { shiftDemoFiles } from './engineClient/demoData';
import type { ImportRequest, ImportResponse } from './shared/api';
import { Commands, INSIGHTS_VIEW_ID } from './shared/constants';
import { formatCount } from './shared/format';
import type { InsightsController } from './views/insightsController';

/** Files of the demo workspace opened by "Load Demo Data". */
const DEMO_FILES = ['python-api/app/main.py', 'python-api/app/repository.py', 'ts-service/src/server.ts'];

export interface CommandDeps {
  context: vscode.ExtensionContext;
  logger: Logger;
  engine: EngineService;
  insights: InsightsController;
}

/** Registers every user-facing command; returns their disposables. */
export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const log = d.logger.scoped('commands');
  const reg = (id: string, fn: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log.error(`${id} failed: ${message}`);
        const choice = await vscode.window.showErrorMessage(`SpanLens: ${message}`, 'Show Log');
        if (choice) {
          d.logger.show();
        }
      }
    });

  return [
    reg(Commands.showLog, () => d.logger.show()),
    reg(Commands.showInsights, (args?: ShowInsightsArgs) => d.insights.show(args)),
    reg(Commands.copyOtlpEndpoint, async () => {
      await d.engine.ensureStarted().catch(() => undefined);
      const endpoint = d.engine.otlpHttpEndpoint;
      await vscode.env.clipboard.writeText(endpoint);
      void vscode.window.showInformationMessage(`Copied the OTLP endpoint ${endpoint} — set OTEL_EXPORTER_OTLP_ENDPOINT to it.`);
    }),
    reg(Commands.restartEngine, () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Restarting the SpanLens engine' }, async () => {
        await d.engine.restart();
        void vscode.window.showInformationMessage('SpanLens engine restarted.');
      }),
    ),
    reg(Commands.clearData, async () => {
      const ok = await vscode.window.showWarningMessage('Delete all traces, statistics and insights SpanLens has stored?', { modal: true }, 'Clear Data');
      if (ok !== 'Clear Data') {
        return;
      }
      const api = await d.engine.ensureStarted();
      await api.clearData();
      d.engine.dataCleared();
      void vscode.window.showInformationMessage('SpanLens data cleared.');
    }),
    reg(Commands.importTraces, async (uri?: vscode.Uri) => {
      const files = uri instanceof vscode.Uri ? [uri] : await vscode.window.showOpenDialog({
        canSelectMany: true,
        openLabel: 'Import',
        title: 'Import traces (OTLP JSON, Jaeger JSON, Zipkin v2 JSON)',
        filters: { 'Trace files': ['json', 'ndjson', 'jsonl'], 'All files': ['*'] },
      });
      if (!files?.length) {
        return;
      }
      const results = await importFiles(d.engine, files.map((f) => ({ label: f.fsPath, request: { path: f.fsPath, format: 'auto' as const } })));
      await reportImport(d, results);
    }),
    reg(Commands.loadDemoData, async () => {
      const dir = path.join(d.context.extensionUri.fsPath, 'media', 'demo');
      const names = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
      // Recorded with a fixed clock: moved so the newest span ends now (windows and retention see fresh data).
      const contents = shiftDemoFiles(names.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')), Date.now());
      const results = await importFiles(d.engine, names.map((f, i) => ({ label: f, request: { content: contents[i], format: 'otlp-json' as const, runId: `demo-${f.replace(/\.json$/, '')}` } })));
      await reportImport(d, results);
      await openDemoFiles(d.context);
    }),
    reg(Commands.compareRuns, async () => {
      const api = await d.engine.ensureStarted();
      const { runs } = await api.runs();
      if (runs.length < 2) {
        void vscode.window.showInformationMessage('Comparing needs at least two runs (service.version, a VCS revision, spanlens.run.id, or separate imports).');
        return;
      }
      const items = runs.map((r) => ({ label: r.label, description: `${formatCount(r.spans)} spans · ${r.source}`, detail: `${new Date(r.firstSeen).toLocaleString()} – ${new Date(r.lastSeen).toLocaleString()}`, id: r.id }));
      const baseline = await vscode.window.showQuickPick(items, { title: 'Compare runs (1/2)', placeHolder: 'Baseline run' });
      if (!baseline) {
        return;
      }
      const candidate = await vscode.window.showQuickPick(items.filter((i) => i.id !== baseline.id), { title: 'Compare runs (2/2)', placeHolder: 'Candidate run' });
      if (!candidate) {
        return;
      }
      const cmp = await api.compare(baseline.id, candidate.id);
      await vscode.commands.executeCommand(`${INSIGHTS_VIEW_ID}.focus`);
      d.insights.showCompare(cmp);
    }),
  ];
}

async function importFiles(engine: EngineService, files: { label: string; request: ImportRequest }[]): Promise<{ file: string; result?: ImportResponse; error?: string }[]> {
  const api = await engine.ensureStarted();
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'SpanLens: importing traces', cancellable: true }, async (progress, token) => {
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    const out: { file: string; result?: ImportResponse; error?: string }[] = [];
    for (const { label, request } of files) {
      if (token.isCancellationRequested) {
        break;
      }
      progress.report({ message: path.basename(label), increment: 100 / files.length });
      try {
        out.push({ file: label, result: await api.import(request, { signal: ac.signal }) });
      } catch (e) {
        out.push({ file: label, error: (e as Error).message });
      }
    }
    void engine.poll();
    return out;
  });
}

async function reportImport(d: CommandDeps, results: { file: string; result?: ImportResponse; error?: string }[]): Promise<void> {
  const ok = results.filter((r) => r.result);
  const spans = ok.reduce((n, r) => n + (r.result?.spans ?? 0), 0);
  const traces = ok.reduce((n, r) => n + (r.result?.traces ?? 0), 0);
  for (const r of results.filter((x) => x.error)) {
    d.logger.scoped('import').error(`${r.file}: ${r.error}`);
  }
  const failed = results.length - ok.length;
  const text = `Imported ${formatCount(spans)} spans in ${formatCount(traces)} traces from ${ok.length} file(s)${failed ? `; ${failed} failed (see the log)` : ''}.`;
  const choice = await (failed ? vscode.window.showWarningMessage(text, 'Show Log', 'Show Insights') : vscode.window.showInformationMessage(text, 'Show Insights'));
  if (choice === 'Show Log') {
    d.logger.show();
  } else if (choice === 'Show Insights') {
    await vscode.commands.executeCommand(Commands.showInsights);
  }
}

/** Opens the demo's main files when the demo workspace is open; otherwise offers to open it. */
async function openDemoFiles(context: vscode.ExtensionContext): Promise<void> {
  const opened: vscode.Uri[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const rel of DEMO_FILES) {
      const uri = vscode.Uri.joinPath(folder.uri, rel);
      if (fs.existsSync(uri.fsPath)) {
        opened.push(uri);
      }
    }
  }
  if (opened.length > 0) {
    for (const [i, uri] of opened.entries()) {
      await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: i < opened.length - 1 });
    }
    return;
  }
  const bundled = path.join(context.extensionUri.fsPath, 'dist', 'demo-workspace');
  if (!fs.existsSync(bundled)) {
    return;
  }
  const choice = await vscode.window.showInformationMessage('The demo traces point into the SpanLens demo workspace. Open it to see CodeLens and hovers on its code?', 'Open Demo Workspace');
  if (choice) {
    const target = path.join(context.globalStorageUri.fsPath, 'demo-workspace');
    fs.cpSync(bundled, target, { recursive: true });
    await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(target), { forceNewWindow: true });
  }
}
