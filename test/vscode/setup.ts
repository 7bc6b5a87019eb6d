/**
 * Installs code-server (VS Code's own server, workbench and extension host) from the npm registry only into the
 * git-ignored `.vscode-test/code-server`. code-server's postinstall downloads ripgrep from GitHub and refuses to
 * run as root, so it is skipped and redone here without the network:
 *   1. `npm install --ignore-scripts code-server@VERSION`, then `npm rebuild` of its wrapper's native deps;
 *   2. in lib/vscode: the server's own deps, Debian's `rg` in place of the downloaded one, `npm rebuild`
 *      (node-pty, spdlog, kerberos, …), and the links postinstall.sh would make;
 *   3. the built-in extensions' deps.
 * Needs (apt): build-essential pkg-config python3 libkrb5-dev ripgrep. A stamp file makes a second run instant.
 *   node out/test/vscode/setup.js [--force]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CODE_SERVER_VERSION, codeServerDir, codeServerEntry } from './paths';

interface Stamp {
  version: string;
  /** Native modules are built for one Node ABI; another Node needs a rebuild. */
  nodeAbi: string;
}

const wanted: Stamp = { version: CODE_SERVER_VERSION, nodeAbi: process.versions.modules };
const stampFile = join(codeServerDir, '.spanlens-stamp.json');

export function isCodeServerInstalled(): boolean {
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
    return stamp.version === wanted.version && stamp.nodeAbi === wanted.nodeAbi && existsSync(codeServerEntry);
  } catch {
    return false;
  }
}

/** Installs code-server unless the stamp says this version is there; returns the path of its entry.js. */
export function ensureCodeServer(options: { force?: boolean; log?: (line: string) => void } = {}): string {
  const log = options.log ?? ((line: string) => console.log(`[setup] ${line}`));
  if (!options.force && isCodeServerInstalled()) {
    return codeServerEntry;
  }
  const started = Date.now();
  requireTool('rg', 'ripgrep');
  requireTool('make', 'build-essential');
  requireTool('python3', 'python3');
  // Build next to the target and rename at the end, so an interrupted install never looks complete.
  const partial = `${codeServerDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'package.json'), JSON.stringify({ name: 'spanlens-code-server', private: true }, null, 2));
  try {
    log(`installing code-server ${CODE_SERVER_VERSION} (node ${process.version}) into ${codeServerDir}`);
    npm(partial, ['install', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`]);
    const wrapperNative = nativeDeps(join(partial, 'node_modules', 'code-server'), join(partial, 'node_modules'));
    if (wrapperNative.length > 0) {
      npm(partial, ['rebuild', ...wrapperNative]);
    }
    const vscodeDir = join(partial, 'node_modules', 'code-server', 'lib', 'vscode');
    npm(vscodeDir, ['install', '--omit=dev', '--ignore-scripts']);
    const ripgrep = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep');
    if (existsSync(ripgrep)) {
      // With bin/rg present, @vscode/ripgrep's postinstall does not download anything.
      mkdirSync(join(ripgrep, 'bin'), { recursive: true });
      copyFileSync(requireTool('rg', 'ripgrep'), join(ripgrep, 'bin', 'rg'));
    }
    npm(vscodeDir, ['rebuild']);
    const postinstall = readFileSync(join(partial, 'node_modules', 'code-server', 'postinstall.sh'), 'utf8');
    if (postinstall.includes('symlink_asar')) {
      symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
    }
    symlinkSync('code-linux.sh', join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
    symlinkSync('browser-linux.sh', join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
    npm(join(vscodeDir, 'extensions'), ['install', '--omit=dev']);
    writeFileSync(join(partial, '.spanlens-stamp.json'), JSON.stringify(wanted, null, 2));
    rmSync(codeServerDir, { recursive: true, force: true });
    mkdirSync(dirname(codeServerDir), { recursive: true });
    renameSync(partial, codeServerDir);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e;
  }
  log(`code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return codeServerEntry;
}

function npm(cwd: string, args: string[]): void {
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: npmEnv() });
}

function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_yes: 'true', npm_config_update_notifier: 'false' };
  // node-gyp compiles against the running Node's headers (Debian's node ships them in /usr/include/node).
  const nodeHome = dirname(dirname(process.execPath));
  if (!env.npm_config_nodedir && existsSync(join(nodeHome, 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = nodeHome;
  }
  if (process.getuid?.() === 0) {
    env.npm_config_unsafe_perm = 'true';
  }
  return env;
}

/** Dependencies of a package that build or fetch something at install time (argon2, …). */
function nativeDeps(pkgDir: string, nodeModules: string): string[] {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {}).filter((name) => {
    const dir = join(nodeModules, name);
    if (!existsSync(join(dir, 'package.json'))) {
      return false;
    }
    const dep = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    return Boolean(dep.scripts?.install || dep.scripts?.postinstall || existsSync(join(dir, 'binding.gyp')));
  });
}

function requireTool(tool: string, aptPackage: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`'${tool}' is missing: install it with 'apt-get install -y ${aptPackage}' (see .ci/run for the full list)`);
  }
}

if (require.main === module) {
  try {
    const already = isCodeServerInstalled() && !process.argv.includes('--force');
    ensureCodeServer({ force: process.argv.includes('--force') });
    console.log(`[setup] code-server ${CODE_SERVER_VERSION} ${already ? 'already installed' : 'ready'}: ${codeServerEntry}`);
  } catch (e) {
    console.error(`[setup] FAILED: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
