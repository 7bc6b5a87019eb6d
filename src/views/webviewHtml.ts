import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A fresh nonce per render: scripts run only when they carry it. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The Insights view's HTML: CSP `default-src 'none'`, styles only from the extension, scripts only by
 * nonce, no network (`connect-src` is not granted: all data comes from the host by messages).
 */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'insights.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style.toString()}" rel="stylesheet">
<title>SpanLens Insights</title>
</head>
<body>
<main id="root" aria-live="polite"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
