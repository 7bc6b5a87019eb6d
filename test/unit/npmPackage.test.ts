import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEngineProcess } from '../support/engineProcess';

const ROOT = resolve(__dirname, '../../..');

/**
 * The npm package is how `npx spanlens-engine serve` runs the engine outside VS Code: its `bin`
 * must point at a file in the package, and that file must run with nothing else installed.
 */
describe('npm package (npx spanlens-engine)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'spanlens-npm-'));
    // --ignore-scripts: pack the build this test run made (prepack would rebuild it for production).
    const out = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as { filename: string }[];
    execFileSync('tar', ['-xzf', join(dir, out[0].filename), '-C', dir]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the bin target and the wasm files it loads, and no sources', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: join(dir, 'package'), encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    assert.ok(files.includes(`./${pkg.bin['spanlens-engine'].replace(/^\.\//, '')}`), files.join(', '));
    assert.ok(files.includes('./dist/node-sqlite3-wasm.wasm'));
    assert.deepEqual(files.filter((f) => /\.(ts|map)$/.test(f) || f.startsWith('./src/') || f.startsWith('./test/')), []);
  });

  it('serves from the unpacked package with no node_modules beside it', async () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const engine = await startEngineProcess({ engineJs: join(dir, 'package', pkg.bin['spanlens-engine']), args: ['--store-backend', 'node-sqlite3-wasm'] });
    try {
      const health = await engine.client.health();
      assert.equal(health.status, 'ok');
      assert.equal(health.storeBackend, 'node-sqlite3-wasm');
    } finally {
      await engine.stop();
      engine.cleanup();
    }
  });
});
