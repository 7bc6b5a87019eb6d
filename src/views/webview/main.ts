import type { HostToWebview, InsightsViewState, WebviewToHost } from '../../shared/webviewProtocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): InsightsViewState | undefined;
  setState(state: InsightsViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) {
    e.textContent = text;
  }
  if (cls) {
    e.className = cls;
  }
  return e;
}

function render(state: InsightsViewState): void {
  root.replaceChildren();
  const empty = el('section', undefined, 'empty-state');
  empty.append(el('h2', 'No runtime data yet'));
  empty.append(el('p', 'Send OpenTelemetry traces from your app or tests to SpanLens:'));
  const env = el('pre', `OTEL_EXPORTER_OTLP_ENDPOINT=${state.engine.otlpHttpEndpoint}\nOTEL_TRACES_EXPORTER=otlp`, 'code-block');
  env.tabIndex = 0;
  empty.append(env);
  const button = el('button', 'Import traces…');
  button.addEventListener('click', () => vscode.postMessage({ method: 'command/run', command: 'spanlens.importTraces' }));
  empty.append(button);
  root.append(empty);
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const m = event.data;
  if (m.method === 'state/update') {
    vscode.setState(m.state);
    render(m.state);
  }
});

const saved = vscode.getState();
if (saved) {
  render(saved);
}
vscode.postMessage({ method: 'view/ready' });
