import * as vscode from 'vscode';
import { configuration } from '../config';
import type { EngineService } from '../engineClient/engineService';
import type { ScopedLogger } from '../logger';
import { SUPPORTED_LANGUAGES } from '../shared/constants';
import { CodeLensProvider } from './codeLensProvider';
import type { DocumentDataService } from './documentData';

const REFRESH_DEBOUNCE_MS = 750;

/** Document selector: supported languages in real files (and remote files under code-server). */
export const DOCUMENT_SELECTOR: vscode.DocumentFilter[] = SUPPORTED_LANGUAGES.flatMap((language) => [
  { language, scheme: 'file' },
  { language, scheme: 'vscode-remote' },
]);

/** Registers the CodeLens provider while enabled and refreshes it (debounced) when data changes. */
export class CodeLensController implements vscode.Disposable {
  private provider: CodeLensProvider | undefined;
  private registration: vscode.Disposable | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly data: DocumentDataService,
    engine: EngineService,
    private readonly log: ScopedLogger,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (configuration.changed(e, 'codeLens')) {
          this.reset();
        }
      }),
      engine.onDidChangeData(() => this.scheduleRefresh()),
      engine.onDidChangeStatus(() => this.scheduleRefresh()),
    );
    this.reset();
  }

  private reset(): void {
    this.registration?.dispose();
    this.registration = undefined;
    this.provider?.dispose();
    this.provider = undefined;
    if (!configuration.get().codeLens.enabled) {
      return;
    }
    this.provider = new CodeLensProvider(this.data, this.log);
    this.registration = vscode.languages.registerCodeLensProvider(DOCUMENT_SELECTOR, this.provider);
  }

  /** Many data events in a burst (an import, a load test) give one refresh. */
  scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.provider?.refresh(), REFRESH_DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.registration?.dispose();
    this.provider?.dispose();
    for (const s of this.subscriptions.splice(0)) {
      s.dispose();
    }
  }
}
