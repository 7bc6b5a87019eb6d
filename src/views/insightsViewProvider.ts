import * as vscode from 'vscode';
import { Commands, INSIGHTS_VIEW_ID } from '../shared/constants';
import type { HostToWebview, InsightsViewState } from '../shared/webviewProtocol';
import { isWebviewToHost } from '../shared/webviewProtocol';
import { makeNonce, renderWebviewHtml } from './webviewHtml';

const OWN_COMMANDS = new Set<string>(Object.values(Commands));

/** Host side of the Insights sidebar view: HTML, CSP, and message routing. */
export class InsightsViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = INSIGHTS_VIEW_ID;
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private state: InsightsViewState,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, makeNonce());
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      view.onDidChangeVisibility(() => {
        if (view.visible) {
          this.post({ method: 'state/update', state: this.state });
        }
      }),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
      }),
    );
  }

  update(state: InsightsViewState): void {
    this.state = state;
    this.post({ method: 'state/update', state });
  }

  private onMessage(m: unknown): void {
    if (!isWebviewToHost(m)) {
      return;
    }
    switch (m.method) {
      case 'view/ready':
        this.ready = true;
        this.post({ method: 'state/update', state: this.state });
        break;
      case 'command/run':
        // Only SpanLens' own commands: the webview must not be a way to run arbitrary commands.
        if (OWN_COMMANDS.has(m.command)) {
          void vscode.commands.executeCommand(m.command, ...(m.args ?? []));
        }
        break;
    }
  }

  private post(message: HostToWebview): void {
    if (this.view && this.ready) {
      void this.view.webview.postMessage(message);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) {
      s.dispose();
    }
  }
}
