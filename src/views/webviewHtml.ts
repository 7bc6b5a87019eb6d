import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { buildCsp } from './csp';

/** A fresh nonce per render: scripts run only when they carry it. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

/** The Insights view's HTML; see buildCsp for the policy. */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'insights.css'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${buildCsp(webview.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style.toString()}" rel="stylesheet">
<title>SpanLens Insights</title>
</head>
<body>
<main id="root" aria-label="SpanLens Insights"></main>
<div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
