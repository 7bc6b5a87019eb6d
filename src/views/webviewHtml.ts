import * as vscode from 'vscode';
import { webviewDocument } from './webviewDocument';

/** The Insights view's HTML with the webview's own URIs; see webviewDocument and buildCsp for the policy. */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
  return webviewDocument({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'insights.css')).toString(),
    nonce,
  });
}
