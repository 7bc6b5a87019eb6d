#!/usr/bin/env node
// Extension-side figures, from the scripts that own them:
//   - VSIX size: `npm run package` (production bundles), the file's size;
//   - CodeLens provide + resolve on 5,000-line Python and TypeScript files, and activation outside
//     VS Code: bench/editor.mjs (the editor's bench);
//   - mapping a 5,000-line file: bench/mapping.mjs (the mapping's bench), when it exists;
//   - activation in the real VS Code: the integration tier (code-server's extension host, VSIX
//     installed) with the sandbox kept, then the "activated in … ms" line the extension writes to its
//     "SpanLens" log, read from the workbench's log folder.
// Prints one JSON line; raw outputs are kept for the report.
//   node bench/extension.mjs [--no-vscode]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function run(cmd, args, timeoutMs, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Rows of a console.table printout as objects (column names from its header). */
export function parseConsoleTable(text) {
  const lines = text.split('\n').filter((l) => l.startsWith('│'));
  if (lines.length < 2) {
    return [];
  }
  const cells = (l) => l.split('│').slice(1, -1).map((c) => c.trim().replace(/^'(.*)'$/, '$1'));
  const head = cells(lines[0]);
  return lines.slice(1).map((l) => Object.fromEntries(cells(l).map((c, i) => [head[i], c])));
}

function editorBench() {
  const r = run(process.execPath, ['bench/editor.mjs'], 300_000);
  const num = (v) => (v === undefined ? undefined : Number(v));
  const rows = parseConsoleTable(r.out).map((row) => ({
    mapper: row.mapper,
    file: row.file,
    functions: num(row.functions),
    lenses: num(row.lenses),
    firstMs: num(row['first ms']),
    // A full provide + resolve after an edit (map, match, plan, titles); a data refresh re-plans only.
    p50Ms: num(row['after edit p50 (map+plan+resolve)'] ?? row['total p50 ms']),
    refreshP50Ms: num(row['data refresh p50 (plan+resolve)']),
    refreshP95Ms: num(row['data refresh p95'] ?? row['total p95 ms']),
  }));
  const act = /activation outside VS Code.*?load min ([\d.]+) \/ p50 ([\d.]+) ms, activate\(\) min ([\d.]+) \/ p50 ([\d.]+) ms/.exec(r.out);
  return {
    ok: r.code === 0 || rows.length > 0,
    codeLens: rows,
    activationOutside: act ? { loadP50Ms: Number(act[2]), activateP50Ms: Number(act[4]) } : undefined,
    raw: r.out,
  };
}

function mappingBench() {
  if (!existsSync(join(root, 'bench', 'mapping.mjs'))) {
    return { ok: false, raw: 'bench/mapping.mjs is not on this branch' };
  }
  const r = run(process.execPath, ['bench/mapping.mjs'], 300_000);
  const rows = [];
  for (const line of r.out.split('\n')) {
    const m = /^(\S.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+) ms/.exec(line);
    if (m) {
      rows.push({ file: m[1], lines: Number(m[2]), functions: Number(m[3]), firstMs: Number(m[6]), p50Ms: Number(m[8]), p95Ms: Number(m[9]), parseOnlyP50Ms: Number(m[11]) });
    }
  }
  return { ok: rows.length > 0, rows, raw: r.out };
}

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      yield* walk(p);
    } else {
      yield p;
    }
  }
}

/** Runs the integration tier with the installed VSIX and reads the activation figure from its logs. */
function vscodeActivation() {
  const setup = run('npm', ['run', '--silent', 'setup:vscode'], 600_000);
  if (setup.code !== 0) {
    return { ok: false, raw: `setup:vscode failed:\n${setup.out.slice(-2000)}` };
  }
  const r = run(process.execPath, ['out/test/vscode/runIntegration.js', '--no-package'], 600_000, { SPANLENS_KEEP_TMP: '1' });
  const kept = [...r.out.matchAll(/\[harness\] kept (\S+)/g)].map((m) => m[1]);
  const figures = [];
  for (const dir of kept) {
    if (!existsSync(dir)) {
      continue;
    }
    for (const f of walk(dir)) {
      if (/\.log$/.test(f)) {
        for (const m of readFileSync(f, 'utf8').matchAll(/activated in ([\d.]+) ms/g)) {
          figures.push(Number(m[1]));
        }
      }
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
  return { ok: figures.length > 0, integrationExit: r.code, activationMs: figures, raw: r.out.slice(-3000) };
}

export function extensionBench({ vscode = true } = {}) {
  const pack = run('npm', ['run', '--silent', 'package'], 600_000);
  const vsix = join(root, `spanlens-${pkg.version}.vsix`);
  const out = {
    vsixBytes: pack.code === 0 && existsSync(vsix) ? statSync(vsix).size : undefined,
    vsixRaw: pack.code === 0 ? '' : pack.out.slice(-2000),
  };
  // The editor and mapping benches read the development build (out/, dist/): rebuild after packaging.
  run('npm', ['run', '--silent', 'build'], 300_000);
  out.editor = editorBench();
  out.mapping = mappingBench();
  out.vscode = vscode && out.vsixBytes ? vscodeActivation() : { ok: false, raw: vscode ? 'no VSIX' : 'skipped (--no-vscode)' };
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = extensionBench({ vscode: !process.argv.includes('--no-vscode') });
  console.log(JSON.stringify(r));
}
