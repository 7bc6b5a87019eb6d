import * as vscode from 'vscode';
import type { EngineService } from '../engineClient/engineService';
import type { DocumentDataService } from '../providers/documentData';
import { isSupportedDocument } from '../providers/documentData';
import { Commands } from '../shared/constants';
import { formatCount, formatRate } from '../shared/format';
import { statusText } from './statusText';

/** Internal command behind the status bar item: a quick pick of SpanLens actions. */
export const STATUS_QUICK_PICK_COMMAND = 'spanlens.statusBarActions';

/** Engine state, ingest rate, and the count of critical/high insights in the current file. */
export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private serious: number | undefined;
  private seq = 0;

  constructor(
    private readonly engine: EngineService,
    private readonly data: DocumentDataService,
  ) {
    this.item = vscode.window.createStatusBarItem('spanlens.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'SpanLens';
    this.item.command = STATUS_QUICK_PICK_COMMAND;
    this.subscriptions.push(
      this.item,
      vscode.commands.registerCommand(STATUS_QUICK_PICK_COMMAND, () => this.pick()),
      engine.onDidChangeStatus(() => this.update()),
      engine.onDidChangeData(() => void this.countFile()),
      vscode.window.onDidChangeActiveTextEditor(() => void this.countFile()),
    );
    this.update();
    this.item.show();
  }

  private async countFile(): Promise<void> {
    const seq = ++this.seq;
    const doc = vscode.window.activeTextEditor?.document;
    let serious: number | undefined;
    if (doc && isSupportedDocument(doc)) {
      const file = await this.data.fileData(doc).catch(() => undefined);
      serious = file?.functions.reduce((n, f) => n + f.insights.filter((i) => i.severity === 'critical' || i.severity === 'high').length, 0);
    }
    if (seq === this.seq) {
      this.serious = serious;
      this.update();
    }
  }

  private update(): void {
    const e = this.engine;
    const stats = e.stats;
    this.item.text = statusText(e.status, stats?.ingestRatePerSec, this.serious);
    const lines = [`SpanLens engine: ${e.status}${e.statusMessage ? ` — ${e.statusMessage}` : ''}`];
    if (stats) {
      lines.push(`${formatCount(stats.spansStored)} spans stored · ${formatRate(stats.ingestRatePerSec * 60)} spans/min`);
    }
    lines.push(`OTLP/HTTP ${e.otlpHttpEndpoint}`);
    if (this.serious) {
      lines.push(`${this.serious} critical/high insight(s) in this file`);
    }
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor = e.status === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  private async pick(): Promise<void> {
    const items: (vscode.QuickPickItem & { command: string })[] = [
      { label: '$(telescope) Show Insights', command: Commands.showInsights },
      { label: '$(cloud-upload) Import Traces…', command: Commands.importTraces },
      { label: '$(beaker) Load Demo Data', command: Commands.loadDemoData },
      { label: '$(diff) Compare Runs…', command: Commands.compareRuns },
      { label: '$(copy) Copy OTLP Endpoint', description: this.engine.otlpHttpEndpoint, command: Commands.copyOtlpEndpoint },
      { label: '$(debug-restart) Restart Engine', command: Commands.restartEngine },
      { label: '$(output) Show Log', command: Commands.showLog },
      { label: '$(trash) Clear Data', command: Commands.clearData },
    ];
    const choice = await vscode.window.showQuickPick(items, { title: 'SpanLens', placeHolder: 'Choose an action' });
    if (choice) {
      await vscode.commands.executeCommand(choice.command);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) {
      s.dispose();
    }
  }
}
