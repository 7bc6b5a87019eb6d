import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { stopProcess, trackProcessGroup } from './processes';
import { ensureCodeServer } from './setup';
import type { Sandbox } from './sandbox';

/** A running code-server: VS Code's real server, web workbench and (Node) extension host. */
export interface CodeServer {
  readonly origin: string;
  readonly authority: string;
  /** URL of the workbench on `folder`, optionally with a test payload (extensionDevelopmentPath, …). */
  workbenchUrl(folder: string, payload?: [string, string][]): string;
  /** `vscode-remote://` URI of a path on this machine, as the workbench payload expects. */
  remoteUri(path: string): string;
  /** Everything code-server printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

function commonArgs(sandbox: Sandbox): string[] {
  return ['--config', join(sandbox.root, 'config.yaml'), '--user-data-dir', sandbox.userDataDir, '--extensions-dir', sandbox.extensionsDir];
}

/** Installs a .vsix the way a user does (`code-server --install-extension`), into the sandbox's extensions dir. */
export function installVsix(sandbox: Sandbox, vsix: string): void {
  const entry = ensureCodeServer();
  execFileSync(process.execPath, [entry, ...commonArgs(sandbox), '--install-extension', vsix, '--force'], {
    env: sandbox.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Starts code-server on 127.0.0.1 with a port the OS picks (other test runs use their own). */
export async function startCodeServer(
  sandbox: Sandbox,
  options: { startTimeoutMs?: number; env?: Record<string, string> } = {},
): Promise<CodeServer> {
  const entry = ensureCodeServer();
  const child = spawn(
    process.execPath,
    [entry, ...commonArgs(sandbox), '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'],
    // The extension host inherits this environment (the suites read SPANLENS_TEST_* from it).
    // Own process group: stopping it also ends the extension host and anything the extension started.
    { env: { ...sandbox.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  trackProcessGroup(child);
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const port = await waitForListening(child, () => log, options.startTimeoutMs ?? 60_000);
  const authority = `127.0.0.1:${port}`;
  const origin = `http://${authority}`;
  const remoteUri = (path: string) => `vscode-remote://${authority}${path}`;
  return {
    origin,
    authority,
    remoteUri,
    workbenchUrl(folder, payload) {
      const query = [`folder=${encodeURIComponent(folder)}`];
      if (payload) {
        query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
      }
      return `${origin}/?${query.join('&')}`;
    },
    output: () => log,
    stop: () => stopProcess(child, { group: true }),
  };
}

function waitForListening(child: ChildProcess, log: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`code-server did not start listening within ${timeoutMs / 1000} s:\n${log()}`)), timeoutMs);
    const onData = () => {
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log());
      if (m) {
        cleanup();
        resolve(Number(m[1]));
      }
    };
    const onExit = (code: number | null) => fail(new Error(`code-server exited (${code}) before listening:\n${log()}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    function fail(e: Error) {
      cleanup();
      child.kill('SIGKILL');
      reject(e);
    }
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
  });
}
