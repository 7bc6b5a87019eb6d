import * as vscode from 'vscode';
import { configuration } from '../config';
import type { ScopedLogger } from '../logger';
import { DOCUMENT_SELECTOR } from './codeLensController';
import type { DocumentDataService } from './documentData';
import { HoverProvider } from './hoverProvider';

/** Registers the hover provider while `spanlens.hover.enabled` is on. */
export class HoverController implements vscode.Disposable {
  private registration: vscode.Disposable | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly data: DocumentDataService,
    private readonly log: ScopedLogger,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (configuration.changed(e, 'hover')) {
        this.reset();
      }
    });
    this.reset();
  }

  private reset(): void {
    this.registration?.dispose();
    this.registration = configuration.get().hover.enabled
      ? vscode.languages.registerHoverProvider(DOCUMENT_SELECTOR, new HoverProvider(this.data, this.log))
      : undefined;
  }

  dispose(): void {
    this.registration?.dispose();
    this.subscription.dispose();
  }
}
