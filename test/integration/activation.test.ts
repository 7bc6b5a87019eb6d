import * as assert from 'node:assert/strict';
import { sep } from 'node:path';
import * as vscode from 'vscode';
import { loadedManifest, spanlens, testEnv, waitFor } from './support';

/** `^1.100.0` → [1, 100, 0]. */
function minVersion(range: string): number[] {
  return range.replace(/^[\^~>=]+/, '').split('.').map(Number);
}

function atLeast(version: string, min: number[]): boolean {
  const v = version.split('.').map((n) => parseInt(n, 10));
  for (let i = 0; i < min.length; i++) {
    if ((v[i] ?? 0) !== min[i]) {
      return (v[i] ?? 0) > min[i];
    }
  }
  return true;
}

describe('SpanLens in the real VS Code extension host', () => {
  it('runs in a VS Code that satisfies engines.vscode', () => {
    const range = loadedManifest().engines.vscode;
    assert.ok(atLeast(vscode.version, minVersion(range)), `VS Code ${vscode.version} does not satisfy ${range}`);
  });

  it(testEnv.mode === 'vsix' ? 'is the extension installed from the VSIX' : 'is the development folder', () => {
    const path = spanlens().extensionPath;
    if (testEnv.mode === 'vsix') {
      assert.ok(path.startsWith(testEnv.extensionsDir + sep), `${path} is not inside the extensions dir ${testEnv.extensionsDir}`);
      assert.equal(spanlens().extensionKind, vscode.ExtensionKind.Workspace);
    } else {
      assert.equal(path, testEnv.repo);
    }
  });

  it('is not active before a supported document is opened (no "*" activation)', () => {
    assert.equal(spanlens().isActive, false);
  });

  it('activates when a Python file is opened (onLanguage:python)', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: 'def handler():\n    return 1\n' });
    await vscode.window.showTextDocument(doc);
    await waitFor('SpanLens to activate', () => spanlens().isActive);
  });
});
