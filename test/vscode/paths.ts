import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** code-server 4.100.3 ships VS Code 1.100.3 (the manifest's engines.vscode is ^1.100.0) and runs on Node 20. */
export const CODE_SERVER_VERSION = '4.100.3';

/** The repository root, whether this file runs transpiled from out/test/vscode or is read from test/vscode. */
export const repoRoot = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'spanlens') {
      return dir;
    }
    const up = resolve(dir, '..');
    if (up === dir) {
      throw new Error(`no spanlens package.json above ${from}`);
    }
    dir = up;
  }
}

/** Git-ignored folder holding the installed code-server (override with SPANLENS_CODE_SERVER_DIR). */
export const codeServerDir = resolve(process.env.SPANLENS_CODE_SERVER_DIR ?? join(repoRoot, '.vscode-test', 'code-server'));
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const screenshotsDir = join(repoRoot, 'screenshots');

export interface Manifest {
  name: string;
  publisher: string;
  version: string;
  engines: { vscode: string };
  contributes: { commands: { command: string; title: string }[] };
}

export function readManifest(): Manifest {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
}

/** `publisher.name`, the id VS Code knows the extension by. */
export function extensionId(m: Manifest = readManifest()): string {
  return `${m.publisher}.${m.name}`;
}

export function vsixPath(m: Manifest = readManifest()): string {
  return join(repoRoot, `${m.name}-${m.version}.vsix`);
}
