import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { configuration } from './config';
import { EngineService } from './engineClient/engineService';
import { DisposableStore } from './lifecycle';
import { Logger } from './logger';
import { CodeLensController } from './providers/codeLensController';
import { DocumentDataService } from './providers/documentData';
import { HoverController } from './providers/hoverController';
import { createDocumentMapper } from './providers/mapperAdapter';
import { InsightsController } from './views/insightsController';
import { InsightsViewProvider } from './views/insightsViewProvider';
import { StatusBarController } from './views/statusBar';

/**
 * Composition root: builds every service in order and owns their disposal (one entry in
 * context.subscriptions; disposal in reverse order of creation). Nothing here does I/O or starts
 * the engine: that happens on first need (a CodeLens/hover request or the view opening).
 */
export class Container {
  private readonly disposables = new DisposableStore();
  readonly logger: Logger;
  readonly engine: EngineService;
  readonly documentData: DocumentDataService;
  readonly insights: InsightsController;

  private constructor(readonly context: vscode.ExtensionContext) {
    context.subscriptions.push(this.disposables);
    const d = this.disposables;
    this.logger = d.add(new Logger());
    this.engine = d.add(new EngineService(context, this.logger.scoped('engine'), () => configuration.get()));
    const dataLog = this.logger.scoped('data');
    const mapper = createDocumentMapper(path.join(context.extensionUri.fsPath, 'dist'), (e) => dataLog.warn(`source mapping fell back to the line-based mapper: ${e.message}`));
    this.documentData = d.add(new DocumentDataService(this.engine, mapper, dataLog));
    d.add(new CodeLensController(this.documentData, this.engine, this.logger.scoped('codelens')));
    d.add(new HoverController(this.documentData, this.logger.scoped('hover')));
    this.insights = d.add(new InsightsController(context.extensionUri, this.engine, this.documentData, this.logger.scoped('view')));
    d.add(vscode.window.registerWebviewViewProvider(InsightsViewProvider.viewType, this.insights.view));
    d.add(new StatusBarController(this.engine, this.documentData));
    for (const c of registerCommands({ context, logger: this.logger, engine: this.engine, insights: this.insights })) {
      d.add(c);
    }
    d.add(
      vscode.workspace.onDidChangeConfiguration((e) => {
        // Engine settings and insight thresholds take effect by restarting the engine this window
        // uses (when it runs): the restart writes them to its config file again.
        if (configuration.changed(e, 'engine', 'insights') && this.engine.status === 'running') {
          void this.engine.restart().catch((err: Error) => this.logger.scoped('engine').error(err));
        }
      }),
    );
  }

  static create(context: vscode.ExtensionContext): Container {
    return new Container(context);
  }

  /** Graceful stop, awaited by deactivate(): stops the engine if this window started it. */
  async shutdown(): Promise<void> {
    try {
      await this.engine.shutdown();
    } finally {
      this.disposables.dispose();
    }
  }
}
