import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { chromiumPath } from './paths';
import type { Sandbox } from './sandbox';

/** Flags that let Debian's chromium run headless here: no sandbox as root, no GPU, nothing phoning home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Debian's chromium driven by playwright-core (never a downloaded browser build). */
export async function launchBrowser(sandbox: Sandbox): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`chromium not found at ${chromiumPath}: install it with 'apt-get install -y chromium' (or set CHROMIUM)`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, env: sandbox.env });
}

export async function newWorkbenchPage(browser: Browser, viewport = { width: 1400, height: 850 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => {
    if (process.env.SPANLENS_VERBOSE) {
      console.error(`[page error] ${e.message}`);
    }
  });
  if (process.env.SPANLENS_VERBOSE) {
    page.on('console', (m) => console.log(`[browser] ${m.text()}`));
  }
  return page;
}
