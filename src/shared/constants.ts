/** Constants shared by the extension host, the webview and the engine. */

export const EXTENSION_ID = 'spanlens.spanlens';
export const ENGINE_NAME = 'spanlens-engine';

/** The engine binds here unless told otherwise: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_OTLP_HTTP_PORT = 4318;
export const DEFAULT_OTLP_GRPC_PORT = 4317;
export const OTLP_TRACES_PATH = '/v1/traces';

/** Largest OTLP request body accepted, after decompression (the OTLP spec's suggestion). */
export const MAX_OTLP_BODY_BYTES = 64 * 1024 * 1024;

/** File the engine writes into its storage folder (mode 0600) with its ports and API token. */
export const STATE_FILE_NAME = 'engine.json';
/**
 * Runtime flags the engine process is started with (by the extension, the tests and the benches):
 * `--expose-gc` lets it give memory back once ingest has been quiet (see the pipeline's idle GC);
 * `--max-semi-space-size=8` caps V8's young generation at 8 MB per semi-space: Node 22 lets it grow far
 * larger, which under sustained ingest kept ~80 MB more resident (3M spans: 437–461 → 364–365 MB) for no
 * measurable throughput (docs/performance.md); `--liftoff-only` compiles the WebAssembly SQLite (the store
 * where the runtime has no `node:sqlite`, as in VS Code's Electron) with V8's baseline compiler only: its
 * optimizing tier-up kept ~40 MB of compiler memory in a worker thread's heap for good (engine idle
 * 121 → 71 MB on that store, start ~255 → ~205 ms on Node 20) while ingest, queries and checkpoints ran no
 * slower (SQLite is a few % of the engine's work). The module is plain WebAssembly 1.0 that the baseline
 * compiler takes whole on every platform VS Code runs on. `npm start` (scripts/start.mjs) reads this line.
 * An engine started without them (`npx spanlens-engine serve`, `node dist/engine.js serve`) sets
 * `--expose-gc` and `--liftoff-only` itself at run time (src/engine/runtimeFlags.ts); the semi-space cap
 * works only on the node command line.
 */
export const ENGINE_RUNTIME_FLAGS: readonly string[] = ['--expose-gc', '--max-semi-space-size=8', '--liftoff-only'];
export const API_PREFIX = '/api/v1';

/** Languages that get CodeLens and hovers; each is also an `onLanguage:` activation event. */
export const SUPPORTED_LANGUAGES = [
  'python',
  'javascript',
  'typescript',
  'javascriptreact',
  'typescriptreact',
  'go',
  'java',
  'csharp',
] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];

export const VIEW_CONTAINER_ID = 'spanlens';
export const INSIGHTS_VIEW_ID = 'spanlens.views.insights';

/** User-facing commands (also declared in package.json `contributes.commands`). */
export const Commands = {
  showInsights: 'spanlens.showInsights',
  importTraces: 'spanlens.importTraces',
  loadDemoData: 'spanlens.loadDemoData',
  compareRuns: 'spanlens.compareRuns',
  copyOtlpEndpoint: 'spanlens.copyOtlpEndpoint',
  restartEngine: 'spanlens.restartEngine',
  showLog: 'spanlens.showLog',
  clearData: 'spanlens.clearData',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];
