import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Commands, SUPPORTED_LANGUAGES } from '../../src/shared/constants';

interface Manifest {
  name: string;
  displayName: string;
  engines: { vscode: string };
  activationEvents: string[];
  devDependencies: Record<string, string>;
  contributes: {
    commands: { command: string; category: string }[];
    views: Record<string, { id: string; type: string }[]>;
    configuration: { title: string; properties: Record<string, { description?: string; markdownDescription?: string }> }[];
  };
}
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

describe('extension manifest', () => {
  it('activates only on supported languages and contributions, never "*"', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.deepEqual([...manifest.activationEvents].sort(), SUPPORTED_LANGUAGES.map((l) => `onLanguage:${l}`).sort());
  });

  it('targets a VS Code no newer than the one the tests run (1.100) with matching types', () => {
    assert.equal(manifest.engines.vscode, '^1.100.0');
    assert.match(manifest.devDependencies['@types/vscode'], /^\^?1\.100\./);
  });

  it('declares every command of src/shared/constants with category SpanLens', () => {
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(declared, Object.values(Commands).sort());
    assert.ok(manifest.contributes.commands.every((c) => c.category === 'SpanLens'));
  });

  it('contributes the Insights webview view and described settings', () => {
    assert.deepEqual(manifest.contributes.views.spanlens.map((v) => [v.id, v.type]), [['spanlens.views.insights', 'webview']]);
    for (const section of manifest.contributes.configuration) {
      assert.ok(section.title);
      for (const [key, prop] of Object.entries(section.properties)) {
        assert.ok(prop.description || prop.markdownDescription, `${key} has no description`);
      }
    }
  });
});

describe('engine bundle', () => {
  it('prints its usage with --help and exits 0', () => {
    const out = execFileSync(process.execPath, ['dist/engine.js', '--help'], { encoding: 'utf8' });
    assert.match(out, /spanlens-engine <command>/);
  });

  it('exits 2 on an unknown command', () => {
    assert.throws(() => execFileSync(process.execPath, ['dist/engine.js', 'frobnicate'], { stdio: 'pipe' }), (e: { status: number }) => e.status === 2);
  });
});
