/**
 * `npm run demo`: the packaged VSIX in a real VS Code with the demo workspace and recorded traces loaded into
 * the real engine. Everything (profile, extensions, engine storage) lives in one temp folder, removed on exit.
 *   npm run demo                        serve the workbench on 127.0.0.1 and print its URL (Ctrl+C stops)
 *   npm run demo -- --screenshot F.png  headless: open a file, wait for CodeLens, save a screenshot, exit
 *   npm run demo -- --desktop           use VS Code desktop (`code` on PATH) with a throw-away profile
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { launchBrowser, newWorkbenchPage } from './browser';
import type { CodeServer } from './codeServer';
import { startCodeServer } from './codeServer';
import type { Session } from './session';
import { buildVsix, defaultTraces, defaultWorkspace, prepareSession } from './session';
import { Workbench } from './workbench';

/** The demo file with a planted N+1 (demo/workspace/README.md): the screenshot shows it. */
const DEMO_FILE = 'python-api/app/repository.py';

/** What a CodeLens of SpanLens says (an insight title or the figures lens). */
export const SPANLENS_LENS = /p95|p50|N\+1|Bottleneck|errors|Slow|calls/;

interface DemoOptions {
  screenshot?: string;
  desktop: boolean;
  workspace: string;
}

function parseArgs(argv: string[]): DemoOptions {
  const at = argv.indexOf('--screenshot');
  const shot = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--screenshot='))?.slice('--screenshot='.length);
  if (at >= 0 && (!shot || shot.startsWith('--'))) {
    throw new Error('--screenshot needs a file name, e.g. --screenshot demo.png');
  }
  return { screenshot: shot ? resolve(process.env.INIT_CWD ?? process.cwd(), shot) : undefined, desktop: argv.includes('--desktop'), workspace: defaultWorkspace() };
}

/** The first source file of the workspace (the demo service's handlers come first alphabetically). */
export function firstSourceFile(workspace: string): string | undefined {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.(py|ts|js|go|java|cs)$/.test(e.name) ? [join(dir, e.name)] : []));
  const file = walk(workspace)[0];
  return file && relative(workspace, file);
}

async function screenshot(server: CodeServer, session: Session, options: DemoOptions & { screenshot: string }): Promise<void> {
  const browser = await launchBrowser(session.sandbox);
  try {
    const wb = await Workbench.open(await newWorkbenchPage(browser), server.workbenchUrl(options.workspace));
    const file = existsSync(join(options.workspace, DEMO_FILE)) ? DEMO_FILE : firstSourceFile(options.workspace);
    if (file) {
      await wb.openFile(file);
    }
    await wb.openViewContainer('SpanLens');
    await wb.webviewText('body', /\S/);
    if (session.spansStored > 0) {
      console.log(`[demo] CodeLens: ${await wb.waitForCodeLens(SPANLENS_LENS)}`);
    } else {
      console.log('[demo] the engine has no data yet (no recorded traces or no engine): no CodeLens to wait for');
    }
    await wb.page.screenshot({ path: options.screenshot });
    console.log(`[demo] screenshot: ${options.screenshot}`);
  } finally {
    await browser.close();
  }
}

async function desktop(session: Session, vsix: string, workspace: string): Promise<void> {
  const dirs = ['--user-data-dir', session.sandbox.userDataDir, '--extensions-dir', session.sandbox.extensionsDir];
  const run = (args: string[]) => spawnSync('code', [...dirs, ...args], { stdio: 'inherit', env: session.sandbox.env });
  if (run(['--install-extension', vsix, '--force']).error) {
    throw new Error("VS Code desktop's `code` command is not on PATH (install VS Code, or run `npm run demo` for the web workbench)");
  }
  console.log(`[demo] VS Code desktop on ${workspace} with a throw-away profile; close the window to end the demo`);
  run(['--new-window', '--wait', '--disable-workspace-trust', workspace]);
}

export async function demo(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  const vsix = buildVsix();
  const session = await prepareSession({ name: 'demo', vsix: options.desktop ? undefined : vsix, traces: defaultTraces() });
  let server: CodeServer | undefined;
  const cleanup = async () => {
    await server?.stop();
    await session.dispose();
  };
  try {
    if (options.desktop) {
      await desktop(session, vsix, options.workspace);
      return;
    }
    server = await startCodeServer(session.sandbox);
    if (options.screenshot) {
      await screenshot(server, session, { ...options, screenshot: options.screenshot });
      return;
    }
    console.log(`\nSpanLens demo: ${session.spansStored} spans loaded into the engine.`);
    console.log(`Open this URL in a browser (Ctrl+C stops the demo and removes its temp folder):\n\n  ${server.workbenchUrl(options.workspace)}\n`);
    await new Promise<void>((done) => {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.once(sig, () => done());
      }
    });
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  demo(process.argv.slice(2)).catch((e: Error) => {
    console.error(`[demo] FAILED: ${e.message}`);
    process.exitCode = 1;
  });
}
