// Engine modules for in-process benches, bundled as they ship in dist/engine.js: out/ is transpiled
// file by file, where every cross-module call goes through an export getter (the OTLP/JSON decoder
// ran at less than half its shipped speed from out/).
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** `entry` (a path from the repository root) bundled by esbuild and loaded. */
export async function bundled(entry) {
  const dir = mkdtempSync(join(tmpdir(), 'spanlens-bench-'));
  const outfile = join(dir, 'bundle.cjs');
  await esbuild.build({ entryPoints: [join(root, entry)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
  try {
    return require(outfile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
