import * as vscode from 'vscode';
import { configuration } from '../config';
import { isCancelled } from '../engineClient/apiClient';
import type { ScopedLogger } from '../logger';
import { Commands } from '../shared/constants';
import type { DocumentDataService } from './documentData';
import type { ShowInsightsArgs } from './hoverMarkdown';
import type { LensPlan } from './lensModel';
import { NEVER_REACHED_TITLE, figuresLensTitle, insightLensTitle, planLenses } from './lensModel';

/** Most severe first; more than three above one function stops being readable. */
const MAX_INSIGHT_LENSES = 3;

/** A lens that remembers its plan until resolved. */
export class SpanLensCodeLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly plan: LensPlan,
    readonly path: string,
  ) {
    super(range);
  }
}

export function showInsightsArgs(plan: LensPlan, path: string): ShowInsightsArgs {
  return { label: plan.fn.qualifiedName, codeObjects: plan.codeObjects, path, line: plan.fn.line + 1 };
}

/**
 * Answers VS Code only: ranges in provide (from the cached document map and engine data), titles in
 * resolve (figures need the statistics). Registration and refresh belong to CodeLensController.
 */
export class CodeLensProvider implements vscode.CodeLensProvider<SpanLensCodeLens> {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this._onDidChange.event;

  constructor(
    private readonly data: DocumentDataService,
    private readonly log: ScopedLogger,
  ) {}

  refresh(): void {
    this._onDidChange.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<SpanLensCodeLens[]> {
    try {
      const file = await this.data.fileData(doc, token);
      if (!file || token.isCancellationRequested) {
        return [];
      }
      const cfg = configuration.get().codeLens;
      const plans = planLenses(file.functions, { minSeverity: cfg.minSeverity, maxInsightLenses: MAX_INSIGHT_LENSES, engineHasData: file.engineHasData });
      return plans.map((p) => {
        const line = Math.min(p.line, doc.lineCount - 1);
        return new SpanLensCodeLens(new vscode.Range(line, 0, line, 0), p, file.map.path);
      });
    } catch (e) {
      if (!isCancelled(e)) {
        this.log.debug(`CodeLens for ${doc.uri.fsPath} failed: ${(e as Error).message}`);
      }
      return [];
    }
  }

  async resolveCodeLens(lens: SpanLensCodeLens, token: vscode.CancellationToken): Promise<SpanLensCodeLens> {
    const p = lens.plan;
    const command = { command: Commands.showInsights, arguments: [showInsightsArgs(p, lens.path)] };
    switch (p.kind) {
      case 'insight':
        lens.command = { ...command, title: insightLensTitle(p.insight), tooltip: p.insight.detail };
        return lens;
      case 'neverReached':
        lens.command = { ...command, title: NEVER_REACHED_TITLE, tooltip: 'Instrumented code with no runtime data in the selected window' };
        return lens;
      case 'figures': {
        let title = `$(pulse) ${p.primary.count} calls`;
        try {
          const stats = await this.data.codeObjectStats(p.primary.id, token);
          if (stats) {
            title = figuresLensTitle(stats, configuration.get().codeLens.template);
          }
        } catch (e) {
          if (!isCancelled(e)) {
            this.log.debug(`stats of ${p.primary.id} failed: ${(e as Error).message}`);
          }
        }
        lens.command = { ...command, title, tooltip: `${p.primary.name} (${p.primary.service}) — open in SpanLens Insights` };
        return lens;
      }
    }
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
