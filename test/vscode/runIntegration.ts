/**
 * Runs the mocha suite of test/integration inside VS Code's real extension host (code-server), driven by
 * headless Debian chromium. By default the production VSIX is built and installed the way users install it;
 * `--dev` loads the development folder instead. Exit code: 0 passed, 1 failed, 2 harness error or hang.
 *   node out/test/vscode/runIntegration.js [--dev] [--no-package] [--timeout=SECONDS] [--workspace=DIR]
 */
import { join } from 'node:path';
import { format } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchBrowser, newWorkbenchPage } from './browser';
import type { CodeServer } from './codeServer';
import { startCodeServer } from './codeServer';
import { repoRoot, vsixPath } from './paths';
import type { Session } from './session';
import { buildVsix, defaultTraces, defaultWorkspace, prepareSession, writeTestHostExtension } from './session';

interface Options {
  dev: boolean;
  packageVsix: boolean;
  timeoutMs: number;
  workspace: string;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return {
    dev: argv.includes('--dev'),
    packageVsix: !argv.includes('--no-package'),
    timeoutMs: Number(value('timeout') ?? 300) * 1000,
    workspace: value('workspace') ?? defaultWorkspace(),
  };
}

/** Page load → workbench; a workbench that never renders is reported as such, not as a generic timeout. */
const WORKBENCH_TIMEOUT_MS = 90_000;
/** Offline, the workbench logs its failed extension-gallery look-ups; they say nothing about SpanLens. */
const WORKBENCH_NOISE =
  /ENOTFOUND open-vsx\.org|^ChatSessionStore:|^Resolv(ing|ed) connection token|^Creating a socket|^Updating additional builtin|^\[Service Worker\]/;

export async function runIntegration(options: Options): Promise<number> {
  const started = Date.now();
  const vsix = options.dev ? undefined : options.packageVsix ? buildVsix() : vsixPath();
  let session: Session | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    session = await prepareSession({ name: 'integration', vsix, traces: defaultTraces() });
    const devPath = vsix ? writeTestHostExtension(session.sandbox) : repoRoot;
    server = await startCodeServer(session.sandbox, { env: session.testEnv });
    browser = await launchBrowser(session.sandbox);
    const page = await newWorkbenchPage(browser, { width: 1200, height: 800 });
    const finished = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      page.on('crash', () => resolve(2));
    });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      // The extension host forwards console calls with their format string (mocha's reporter uses %s / %d).
      const text = format(...args);
      if (!WORKBENCH_NOISE.test(text)) {
        (type === 'error' ? console.error : console.log)(text);
      }
    });
    const testsPath = join(repoRoot, 'out', 'test', 'integration', 'index.js');
    const url = server.workbenchUrl(options.workspace, [
      ['extensionDevelopmentPath', server.remoteUri(devPath)],
      ['extensionTestsPath', server.remoteUri(testsPath)],
      ['skipWelcome', 'true'],
    ]);
    console.log(`[integration] VS Code ${vsix ? `with ${vsix} installed` : `with the development folder`}; workspace ${options.workspace}`);
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: WORKBENCH_TIMEOUT_MS }).catch(() => {
      throw new Error(`the workbench did not render within ${WORKBENCH_TIMEOUT_MS / 1000} s (code-server log:\n${server?.output()})`);
    });
    const code = await withTimeout(finished, options.timeoutMs, () =>
      new Error(`the workbench hung: the integration suite reported no result within ${options.timeoutMs / 1000} s (--timeout=SECONDS to change)`),
    );
    console.log(`[integration] exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return code;
  } catch (e) {
    console.error(`[integration] FAILED: ${(e as Error).message}`);
    return 2;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await session?.dispose();
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

if (require.main === module) {
  void runIntegration(parseArgs(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
