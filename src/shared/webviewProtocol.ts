/**
 * Typed messages between the Insights webview (browser) and the extension host.
 * Every message names its direction; methods are namespaced `scope/method`.
 */

/** What the panel shows; the host sends a full snapshot, the webview keeps it with setState. */
export interface InsightsViewState {
  engine: { status: 'starting' | 'running' | 'stopped' | 'error'; otlpHttpEndpoint: string; otlpGrpcEndpoint: string; message?: string };
}

/** webview → host: the webview has loaded and can receive messages. */
export interface ReadyMessage {
  method: 'view/ready';
}

/** webview → host: run one of SpanLens' own commands (the host checks it is one of ours). */
export interface RunCommandMessage {
  method: 'command/run';
  command: string;
  args?: unknown[];
}

/** host → webview: replace the state. */
export interface StateMessage {
  method: 'state/update';
  state: InsightsViewState;
}

export type WebviewToHost = ReadyMessage | RunCommandMessage;
export type HostToWebview = StateMessage;

export function isWebviewToHost(m: unknown): m is WebviewToHost {
  if (typeof m !== 'object' || m === null) {
    return false;
  }
  const method = (m as { method?: unknown }).method;
  if (method === 'view/ready') {
    return true;
  }
  return method === 'command/run' && typeof (m as { command?: unknown }).command === 'string';
}
