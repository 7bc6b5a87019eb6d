import type { Browser } from 'playwright-core';
import { launchBrowser, newWorkbenchPage } from './browser';
import type { CodeServer } from './codeServer';
import { startCodeServer } from './codeServer';
import type { Session, SessionOptions } from './session';
import { prepareSession } from './session';
import { Workbench } from './workbench';

/** code-server with the VSIX installed (and the engine holding recorded data) plus a headless chromium on it. */
export interface UiSession {
  readonly session: Session;
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly workbench: Workbench;
  dispose(): Promise<void>;
}

export async function startUiSession(options: SessionOptions & { workspace: string }): Promise<UiSession> {
  const session = await prepareSession(options);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const dispose = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await session.dispose();
  };
  try {
    server = await startCodeServer(session.sandbox);
    browser = await launchBrowser(session.sandbox);
    const page = await newWorkbenchPage(browser);
    const workbench = await Workbench.open(page, server.workbenchUrl(options.workspace));
    return { session, server, browser, workbench, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}
