import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { screenshotsDir } from './paths';

/**
 * Drives the real VS Code web workbench the way a user does: the explorer, the editor, CodeLens, hovers and
 * the activity bar. Every wait has a timeout whose message says what did not appear.
 */
export class Workbench {
  private constructor(readonly page: Page) {}

  /** Opens `url` and waits for the workbench and its explorer to render. */
  static async open(page: Page, url: string, timeoutMs = 90_000): Promise<Workbench> {
    await page.goto(url);
    await expectVisible(page.locator('.monaco-workbench'), timeoutMs, 'the VS Code workbench to render (the workbench hung)');
    await expectVisible(page.locator('.explorer-folders-view .monaco-list-row').first(), timeoutMs, 'the explorer to list the workspace');
    return new Workbench(page);
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    const name = relativePath.split('/').pop() ?? relativePath;
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await expectVisible(input, 10_000, 'Quick Open');
    await input.fill(relativePath);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await expectVisible(row, 15_000, `"${relativePath}" in Quick Open`);
    await this.page.keyboard.press('Enter');
    await expectVisible(this.page.locator(`.tab.active[aria-label^="${name}"]`), 15_000, `an editor tab for ${name}`);
    await expectVisible(this.page.locator('.monaco-editor .view-lines').first(), 15_000, `the editor of ${name}`);
  }

  /** Waits for a CodeLens whose text matches; returns its text. */
  async waitForCodeLens(text: RegExp, timeoutMs = 60_000): Promise<string> {
    const lens = this.page.locator('.codelens-decoration', { hasText: text }).first();
    await expectVisible(lens, timeoutMs, `a CodeLens matching ${String(text)}`);
    return (await lens.innerText()).trim();
  }

  /** Every CodeLens text shown in the visible editor. */
  async codeLensTexts(): Promise<string[]> {
    return (await this.page.locator('.codelens-decoration').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  }

  /** Hovers the first occurrence of `word` in the editor and returns the text of the hover matching `expect`. */
  async hoverWord(word: string, expect: RegExp, timeoutMs = 30_000): Promise<string> {
    const token = this.page.locator('.monaco-editor .view-line span span', { hasText: new RegExp(`^${word}$`) }).first();
    await expectVisible(token, 15_000, `"${word}" in the editor`);
    await token.hover();
    const hover = this.page.locator('.monaco-hover', { hasText: expect }).first();
    await expectVisible(hover, timeoutMs, `a hover matching ${String(expect)} over "${word}"`);
    // Let the hover's fade-in finish, so a screenshot shows it as a user sees it.
    await this.page.waitForTimeout(400);
    return (await hover.innerText()).replace(/\s+/g, ' ').trim();
  }

  async moveMouseAway(): Promise<void> {
    await this.page.mouse.move(5, (this.page.viewportSize()?.height ?? 800) - 5);
  }

  /** Clicks an activity-bar item (e.g. "SpanLens") unless its container is already open. */
  async openViewContainer(label: string): Promise<void> {
    const item = this.page.locator(`.activitybar .action-item:has(a[aria-label^="${label}"]), .activitybar .action-item[aria-label^="${label}"]`).first();
    await expectVisible(item, 30_000, `the "${label}" activity-bar item`);
    const checked = await item.getAttribute('aria-checked').catch(() => null);
    if (checked !== 'true' && !(await item.evaluate((e) => e.classList.contains('checked')))) {
      await item.click();
    }
  }

  /** The document inside a webview view: `.webview.ready iframe` → `iframe#active-frame`. */
  webview(): FrameLocator {
    return this.page.frameLocator('.webview.ready iframe, iframe.webview.ready').first().frameLocator('iframe#active-frame');
  }

  /** Text of the webview element matching `selector`, once it contains `expect`. */
  async webviewText(selector: string, expect: RegExp, timeoutMs = 30_000): Promise<string> {
    const el = this.webview().locator(selector, { hasText: expect }).first();
    await expectVisible(el, timeoutMs, `the Insights view to show ${String(expect)}`);
    return (await el.innerText()).trim();
  }

  /** Saves a PNG of the page into screenshots/ and prints its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(screenshotsDir, { recursive: true });
    const path = join(screenshotsDir, `${name}.png`);
    await this.page.screenshot({ path });
    console.log(`      screenshot: ${path}`);
    return path;
  }
}

export async function expectVisible(locator: Locator, timeoutMs: number, what: string): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
  }
}
