// Activation cost of dist/extension.js outside VS Code: module load + activate() against a
// do-nothing `vscode` stand-in (every API returns a disposable no-op). The real extension host adds
// its own overhead; the in-product figure is logged by activate() ("activated in … ms").
const Module = require('node:module');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

function stub() {
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === 'get') return (_k, def) => def; // configuration.get(key, default)
      if (prop === 'fsPath' || prop === 'path') return '/tmp/spanlens-bench';
      if (prop === 'subscriptions') return [];
      return stub();
    },
    set: () => true,
    defineProperty: () => true,
    apply: () => stub(),
    construct: () => stub(),
  });
}
// Real object with the namespaces and classes the bundle touches (the bundler copies own keys).
const vscode = {};
for (const name of ['window', 'workspace', 'languages', 'commands', 'env', 'Uri', 'EventEmitter', 'CodeLens', 'Range', 'Position', 'Hover', 'MarkdownString', 'ThemeColor', 'StatusBarAlignment', 'ProgressLocation', 'Location', 'Disposable', 'UIKind', 'l10n']) {
  vscode[name] = name === 'CodeLens' ? class {} : stub();
}
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};

const t0 = performance.now();
const ext = require(path.resolve(__dirname, '..', 'dist', 'extension.js'));
const t1 = performance.now();
const context = { subscriptions: [], extensionUri: { fsPath: path.resolve(__dirname, '..') }, globalStorageUri: { fsPath: '/tmp/spanlens-bench' } };
ext.activate(context);
const t2 = performance.now();
console.log(JSON.stringify({ loadMs: +(t1 - t0).toFixed(2), activateMs: +(t2 - t1).toFixed(2), totalMs: +(t2 - t0).toFixed(2) }));
process.exit(0);
