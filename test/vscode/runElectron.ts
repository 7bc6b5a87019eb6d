/**
 * The same integration suite (test/integration/index.ts `run()`) under VS Code desktop through
 * @vscode/test-electron. It downloads VS Code, so it needs the internet: CI uses runIntegration.ts (code-server)
 * instead. By default the packaged VSIX is installed with the downloaded VS Code's CLI; `--dev` loads the folder.
 *   node out/test/vscode/runElectron.js [--dev] [--vscode-version=1.100.3]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { CODE_SERVER_VERSION, repoRoot } from './paths';
import type { Session } from './session';
import { buildVsix, defaultTraces, defaultWorkspace, prepareSession, writeTestHostExtension } from './session';

/** code-server 4.100.3 is VS Code 1.100.3: test the same version on desktop. */
const DEFAULT_VSCODE = `1.${CODE_SERVER_VERSION.split('.')[1]}.${CODE_SERVER_VERSION.split('.')[2]}`;

async function main(argv: string[]): Promise<number> {
  const dev = argv.includes('--dev');
  const version = argv.find((a) => a.startsWith('--vscode-version='))?.split('=')[1] ?? DEFAULT_VSCODE;
  let session: Session | undefined;
  try {
    const vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath: join(repoRoot, '.vscode-test') });
    session = await prepareSession({ name: 'electron', traces: defaultTraces() });
    const { sandbox } = session;
    const dirs = ['--user-data-dir', sandbox.userDataDir, '--extensions-dir', sandbox.extensionsDir];
    let extensionDevelopmentPath = repoRoot;
    if (!dev) {
      const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
      const r = spawnSync(cli, [...cliArgs, ...dirs, '--install-extension', buildVsix(), '--force'], { stdio: 'inherit', env: sandbox.env });
      if (r.status !== 0) {
        throw new Error(`installing the VSIX into VS Code ${version} failed (${r.status})`);
      }
      extensionDevelopmentPath = writeTestHostExtension(sandbox);
      session.testEnv.SPANLENS_TEST_MODE = 'vsix';
    }
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath,
      extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [defaultWorkspace(), ...dirs, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { ...session.testEnv, HOME: sandbox.env.HOME, XDG_CONFIG_HOME: sandbox.env.XDG_CONFIG_HOME },
    });
  } catch (e) {
    console.error(`[electron] FAILED: ${(e as Error).message}`);
    return 1;
  } finally {
    await session?.dispose();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
