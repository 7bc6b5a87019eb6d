/** Entry of dist/webview.js: the Insights view in the browser. Talks to the host only by messages. */
import type { HostToWebview, InsightsViewState, RequestMap, RequestMethod, WebviewToHost } from '../../shared/webviewProtocol';
import type { UiState, ViewContext } from './context';
import { renderApp } from './render';

interface Persisted {
  state: InsightsViewState;
  ui: UiState;
}

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): Persisted | undefined;
  setState(state: Persisted): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;
const announcer = document.getElementById('announcer');
const saved = vscode.getState();
let state: InsightsViewState | undefined = saved?.state;
let ui: UiState = saved?.ui ?? { section: 'overview' };

let nextId = 1;
let fresh = false;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

const ctx: ViewContext = {
  request<M extends RequestMethod>(method: M, params: RequestMap[M]['params']): Promise<RequestMap[M]['result']> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      vscode.postMessage({ method: 'request', id, request: method, params } as WebviewToHost);
    });
  },
  runCommand(command, args) {
    vscode.postMessage({ method: 'command/run', command, args });
  },
  get ui() {
    return ui;
  },
  setUi(patch) {
    ui = { ...ui, ...patch };
    persist();
    render();
  },
  announce(text) {
    if (announcer) {
      announcer.textContent = text;
    }
  },
};

function persist(): void {
  if (state) {
    vscode.setState({ state, ui });
  }
}

function render(): void {
  if (!state) {
    return;
  }
  // Keep keyboard focus where it was across re-renders (by id or data attributes).
  const active = document.activeElement as HTMLElement | null;
  const focusKey = active?.id || active?.getAttribute('data-span-id') || active?.getAttribute('aria-label');
  root.replaceChildren(renderApp(ctx, state));
  if (focusKey) {
    const esc = CSS.escape(focusKey);
    const again = document.getElementById(focusKey) ?? root.querySelector<HTMLElement>(`[data-span-id="${esc}"], [aria-label="${esc}"]`);
    again?.focus();
  }
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const m = event.data;
  switch (m.method) {
    case 'state/update':
      if (fresh && state && m.state.seq < state.seq) {
        return; // an older snapshot arriving late (only within this load: the host restarts at 0)
      }
      fresh = true;
      if (m.state.focus && m.state.focus.label !== state?.focus?.label) {
        ui = { ...ui, exemplar: undefined, selectedSpan: undefined, section: ui.section === 'compare' ? 'compare' : 'focus' };
      }
      state = m.state;
      persist();
      render();
      break;
    case 'view/show':
      ui = { ...ui, section: m.section };
      persist();
      render();
      break;
    case 'response': {
      const p = pending.get(m.id);
      if (p) {
        pending.delete(m.id);
        if (m.ok) {
          p.resolve(m.result);
        } else {
          p.reject(new Error(m.error));
        }
      }
      break;
    }
  }
});

render();
vscode.postMessage({ method: 'view/ready' });
