import * as vscode from 'vscode';
import { configuration } from './config';
import { DisposableStore } from './lifecycle';
import { Logger } from './logger';
import { Commands } from './shared/constants';
import { InsightsViewProvider } from './views/insightsViewProvider';

/**
 * Composition root: builds every service in order and owns their disposal (one entry in
 * context.subscriptions; disposal in reverse order of creation).
 */
export class Container {
  private readonly disposables = new DisposableStore();
  readonly logger: Logger;
  readonly insightsView: InsightsViewProvider;

  private constructor(readonly context: vscode.ExtensionContext) {
    context.subscriptions.push(this.disposables);
    this.logger = this.disposables.add(new Logger());
    const cfg = configuration.get();
    this.insightsView = this.disposables.add(
      new InsightsViewProvider(context.extensionUri, {
        engine: {
          status: 'stopped',
          otlpHttpEndpoint: `http://${cfg.engine.host}:${cfg.engine.otlpHttpPort}`,
          otlpGrpcEndpoint: `http://${cfg.engine.host}:${cfg.engine.otlpGrpcPort}`,
        },
      }),
    );
    this.disposables.add(vscode.window.registerWebviewViewProvider(InsightsViewProvider.viewType, this.insightsView));
    this.registerCommands();
  }

  static create(context: vscode.ExtensionContext): Container {
    return new Container(context);
  }

  private registerCommands(): void {
    const register = (id: string, fn: (...args: unknown[]) => unknown) =>
      this.disposables.add(vscode.commands.registerCommand(id, fn));
    register(Commands.showLog, () => this.logger.show());
    register(Commands.showInsights, () => vscode.commands.executeCommand(`${InsightsViewProvider.viewType}.focus`));
    register(Commands.copyOtlpEndpoint, async () => {
      const { host, otlpHttpPort } = configuration.get().engine;
      const endpoint = `http://${host}:${otlpHttpPort}`;
      await vscode.env.clipboard.writeText(endpoint);
      void vscode.window.showInformationMessage(`Copied the OTLP endpoint ${endpoint}`);
    });
  }

  /** Graceful stop, awaited by deactivate(). */
  async shutdown(): Promise<void> {
    this.disposables.dispose();
  }
}
