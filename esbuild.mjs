// Builds the three runtimes (extension host, engine, webview) and transpiles the tests.
//   node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the `file:line:col: error: text` form the VS Code problem matcher reads. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: watch ? [problemMatcher] : [],
};

const targets = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  // Loaded by the extension on first need (src/lazyLoad.ts): axios (and later tree-sitter) stay out of activation;
  // form-data (with its 140 KB mime-db) is never used by the JSON-only API client.
  { ...common, entryPoints: ['src/lazy.ts'], outfile: 'dist/lazy.js', platform: 'node', format: 'cjs', target: 'node20', alias: { 'form-data': './src/engineClient/formDataStub.ts' } },
  { ...common, entryPoints: ['src/engine/main.ts'], outfile: 'dist/engine.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['src/views/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

/** Tests (and the sources they import) are transpiled file by file into out/, not bundled. */
function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}
const testBuild = {
  entryPoints: [...tsFiles('src'), ...tsFiles('test')],
  outdir: 'out',
  outbase: '.',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
};

/** Runtime assets the bundles load from dist/ (the VSIX must be self-contained). */
function copyAssets() {
  // A packaging build starts from an empty dist/ so no development leftovers (source maps) ship.
  if (production) rmSync('dist', { recursive: true, force: true });
  mkdirSync('dist', { recursive: true });
  // The demo workspace ships in the VSIX so "Load Demo Data" can open it anywhere.
  const copies = [{ from: 'demo/workspace', to: 'dist/demo-workspace' }];
  // node-sqlite3-wasm loads its WebAssembly from the bundle's folder (__dirname of dist/engine.js).
  copies.push({ from: 'node_modules/node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm', to: 'dist/node-sqlite3-wasm.wasm' });
  // Code mapping (src/mapping): the tree-sitter runtime and only the grammars it loads (VSIX ≤ 5 MB).
  const wasm = 'node_modules/@vscode/tree-sitter-wasm/wasm';
  const grammars = ['python', 'javascript', 'typescript', 'tsx', 'go', 'java', 'c-sharp'].map((g) => `tree-sitter-${g}.wasm`);
  copies.push(...['tree-sitter.wasm', ...grammars].map((f) => ({ from: join(wasm, f), to: join('dist', f) })));
  for (const { from, to } of copies) cpSync(from, to, { recursive: true });
}

copyAssets();
if (watch) {
  const contexts = await Promise.all([...targets, testBuild].map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all([...targets, ...(production ? [] : [testBuild])].map((t) => esbuild.build(t)));
}
