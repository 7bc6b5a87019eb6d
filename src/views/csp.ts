/**
 * The Insights view's Content-Security-Policy, as a pure string builder (unit-tested): nothing by
 * default, styles and fonts only from the extension, scripts only by nonce, no network at all
 * (the webview never talks to the engine; the host relays data by messages), no inline or eval.
 */
export function buildCsp(cspSource: string, nonce: string): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) {
    throw new Error('nonce must be at least 16 base64 characters');
  }
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}
