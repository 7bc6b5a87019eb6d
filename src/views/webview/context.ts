import type { RequestMap, RequestMethod } from '../../shared/webviewProtocol';

export type Section = 'focus' | 'overview' | 'compare';

/** UI state kept across hide/show (with the snapshot, through setState). */
export interface UiState {
  section: Section;
  /** Trace id of the exemplar shown in the waterfall. */
  exemplar?: string;
  selectedSpan?: string;
  baseline?: string;
  candidate?: string;
}

/** What renderers may do: ask the host, run our commands, change UI state. */
export interface ViewContext {
  request<M extends RequestMethod>(method: M, params: RequestMap[M]['params']): Promise<RequestMap[M]['result']>;
  runCommand(command: string, args?: unknown[]): void;
  ui: UiState;
  setUi(patch: Partial<UiState>): void;
  announce(text: string): void;
}
