import * as vscode from 'vscode';
import { Commands, INSIGHTS_VIEW_ID } from '../shared/constants';
import type { HostToWebview, InsightsViewState, RequestMap, RequestMessage, RequestMethod, ShowMessage } from '../shared/webviewProtocol';
import { isWebviewToHost } from '../shared/webviewProtocol';
import { makeNonce } from './webviewDocument';
import { renderWebviewHtml } from './webviewHtml';

const OWN_COMMANDS = new Set<string>(Object.values(Commands));

/** Answers the webview's requests (implemented by InsightsController). */
export type RequestHandlers = { [M in RequestMethod]: (params: RequestMap[M]['params']) => Promise<RequestMap[M]['result']> };

/**
 * Host side of the Insights sidebar: HTML + CSP, the ready handshake, message routing with
 * request/response correlation, and a snapshot resent whenever the view becomes visible again
 * (messages to a hidden webview are dropped; the webview also keeps the last one with setState).
 */
export class InsightsViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = INSIGHTS_VIEW_ID;
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private pendingShow: ShowMessage | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly _onDidResolve = new vscode.EventEmitter<void>();
  /** The view was opened (first need for the engine). */
  readonly onDidResolve = this._onDidResolve.event;
  private readonly _onDidChangeVisibility = new vscode.EventEmitter<boolean>();
  readonly onDidChangeVisibility = this._onDidChangeVisibility.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private state: InsightsViewState,
    private readonly handlers: () => RequestHandlers,
  ) {}

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = {
      enableScripts: true,
      enableForms: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, makeNonce());
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      view.onDidChangeVisibility(() => {
        if (view.visible) {
          this.post({ method: 'state/update', state: this.state });
        }
        this._onDidChangeVisibility.fire(view.visible);
      }),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
      }),
    );
    this._onDidResolve.fire();
  }

  get currentState(): InsightsViewState {
    return this.state;
  }

  update(state: InsightsViewState): void {
    this.state = state;
    this.post({ method: 'state/update', state });
  }

  /** Switches the panel's section (after the next snapshot when not ready yet). */
  showSection(section: ShowMessage['section']): void {
    const m: ShowMessage = { method: 'view/show', section };
    if (this.view && this.ready) {
      this.post(m);
    } else {
      this.pendingShow = m;
    }
  }

  private onMessage(m: unknown): void {
    if (!isWebviewToHost(m)) {
      return;
    }
    switch (m.method) {
      case 'view/ready':
        this.ready = true;
        this.post({ method: 'state/update', state: this.state });
        if (this.pendingShow) {
          this.post(this.pendingShow);
          this.pendingShow = undefined;
        }
        break;
      case 'command/run':
        // Only SpanLens' own commands: the webview must not be a way to run arbitrary commands.
        if (OWN_COMMANDS.has(m.command)) {
          void vscode.commands.executeCommand(m.command, ...(m.args ?? []));
        }
        break;
      case 'request':
        void this.answer(m);
        break;
    }
  }

  private async answer(m: RequestMessage): Promise<void> {
    try {
      const handler = this.handlers()[m.request] as (p: unknown) => Promise<unknown>;
      const result = await handler(m.params);
      this.post({ method: 'response', id: m.id, ok: true, result } as HostToWebview);
    } catch (e) {
      this.post({ method: 'response', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private post(message: HostToWebview): void {
    if (this.view && this.ready) {
      void this.view.webview.postMessage(message);
    }
  }

  dispose(): void {
    this._onDidResolve.dispose();
    this._onDidChangeVisibility.dispose();
    for (const s of this.subscriptions.splice(0)) {
      s.dispose();
    }
  }
}
