import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** What the runner (code-server or test-electron) tells the suite through the environment. */
export const testEnv = {
  extensionId: process.env.SPANLENS_TEST_EXTENSION_ID ?? 'spanlens.spanlens',
  /** `vsix`: the packaged extension is installed in `extensionsDir`; `dev`: loaded from the repository. */
  mode: (process.env.SPANLENS_TEST_MODE ?? 'dev') as 'vsix' | 'dev',
  extensionsDir: process.env.SPANLENS_TEST_EXTENSIONS_DIR ?? '',
  repo: process.env.SPANLENS_TEST_REPO ?? '',
  /** Spans the real engine stored from the recorded traces before VS Code started; 0 = no data. */
  spansStored: Number(process.env.SPANLENS_TEST_SPANS ?? '0'),
  /** dist/engine.js can serve, so the extension's engine starts and reports the ports it listens on. */
  engineServes: process.env.SPANLENS_TEST_ENGINE_SERVES === '1',
  /** Types of the insights the engine raised on the recorded traces (empty: its analyzers are not wired yet). */
  insightTypes: (process.env.SPANLENS_TEST_INSIGHT_TYPES ?? '').split(',').filter(Boolean),
};

export interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}

export function spanlens(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(testEnv.extensionId);
  assert.ok(ext, `${testEnv.extensionId} is not installed in this VS Code`);
  return ext;
}

/** The manifest of the extension VS Code actually loaded (the VSIX's, in vsix mode). */
export function loadedManifest(): { version: string; engines: { vscode: string }; contributes: { commands: ManifestCommand[] } } {
  return JSON.parse(readFileSync(join(spanlens().extensionPath, 'package.json'), 'utf8')) as ReturnType<typeof loadedManifest>;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opens a workspace folder');
  return folder.uri;
}
