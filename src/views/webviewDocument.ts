import { randomBytes } from 'node:crypto';
import { buildCsp } from './csp';

/** A fresh nonce per render (144 random bits): scripts run only when they carry it. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export interface WebviewDocumentInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Webview URIs (from `asWebviewUri`) of the bundle and the stylesheet. */
  scriptUri: string;
  styleUri: string;
  nonce: string;
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The Insights view's HTML, without `vscode` (unit-tested): the CSP of buildCsp, one stylesheet from
 * the extension, one script that runs by nonce, no inline script, style or event handler.
 */
export function webviewDocument(d: WebviewDocumentInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(buildCsp(d.cspSource, d.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${escapeAttr(d.styleUri)}" rel="stylesheet">
<title>SpanLens Insights</title>
</head>
<body>
<main id="root" aria-label="SpanLens Insights"></main>
<div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>
<script nonce="${escapeAttr(d.nonce)}" src="${escapeAttr(d.scriptUri)}"></script>
</body>
</html>`;
}
