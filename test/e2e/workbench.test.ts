/**
 * UI tier: the packaged VSIX installed into the real VS Code workbench (code-server), driven in headless
 * chromium as a user would. Screenshots go to screenshots/ (their paths are printed).
 */
import * as assert from 'node:assert/strict';
import { buildVsix, defaultTraces, defaultWorkspace } from '../vscode/session';
import type { UiSession } from '../vscode/uiSession';
import { startUiSession } from '../vscode/uiSession';

const workspace = defaultWorkspace();
/** A planted problem of the demo workspace (demo/workspace/README.md). */
const NPLUS1 = { file: 'python-api/app/repository.py', name: 'list_orders' };
let vsix: string;

before(function () {
  this.timeout(180_000);
  vsix = buildVsix();
});

describe('SpanLens in the VS Code workbench, before any data', function () {
  this.timeout(180_000);
  let ui: UiSession;

  before(async () => {
    ui = await startUiSession({ name: 'e2e-empty', vsix, workspace });
  });
  after(async () => {
    await ui?.dispose();
  });

  it('shows the SpanLens container with the Insights view telling how to send data', async () => {
    const wb = ui.workbench;
    await wb.openViewContainer('SpanLens');
    // Once the engine can serve, the extension starts it and the view names the port it really listens on.
    const port = ui.session.engineServes ? /:[1-9]\d*/ : /:(\d+|<port chosen at start>)/;
    const text = await wb.webviewText('body', new RegExp(`OTEL_EXPORTER_OTLP_ENDPOINT=http://127\\.0\\.0\\.1${port.source}`));
    assert.match(text, /No runtime data yet/);
    assert.match(text, /Import traces/);
    await wb.moveMouseAway();
    await wb.screenshot('insights-empty-state');
  });
});

describe('SpanLens in the VS Code workbench, with recorded traces in the engine', function () {
  this.timeout(180_000);
  let ui: UiSession;

  before(async function () {
    ui = await startUiSession({ name: 'e2e-data', vsix, workspace, traces: defaultTraces() });
    if (ui.session.spansStored === 0) {
      console.log('      (no engine with data yet: the data tests are pending)');
      this.skip();
    }
  });
  after(async () => {
    await ui?.dispose();
  });

  it(`opens ${NPLUS1.file} and shows SpanLens CodeLens above ${NPLUS1.name}`, async () => {
    await ui.workbench.openFile(NPLUS1.file);
    const figures = await ui.workbench.waitForCodeLens(/p95 \d/);
    assert.match(figures, /p95 \d+(\.\d+)? ?(ms|s|µs) · [\d.]+% errors · [\d.]+\/min/);
    assert.match(await ui.workbench.waitForCodeLens(/N\+1/), /N\+1 queries/);
    await ui.workbench.screenshot('codelens');
  });

  it(`hovering ${NPLUS1.name} shows its percentiles`, async () => {
    const text = await ui.workbench.hoverWord(NPLUS1.name, /p95/);
    assert.match(text, /p50\s*p95\s*p99\s*errors\s*calls/);
    assert.match(text, /OrderRepository\.list_orders/);
    assert.match(text, /N\+1/);
    await ui.workbench.screenshot('hover');
    await ui.workbench.moveMouseAway();
  });

  it('a click on the CodeLens opens the Insights view on that function: figures, histogram, exemplar traces', async () => {
    await ui.workbench.page.locator('.codelens-decoration a', { hasText: /p95 \d/ }).first().click();
    await ui.workbench.webviewText('.focus-title', /list_orders/);
    assert.match(await ui.workbench.webviewText('#figures', /p95/), /\d/);
    await ui.workbench.webviewText('#histogram', /Duration distribution/);
    await ui.workbench.webviewText('#waterfall', /Exemplar traces/);
    assert.match(await ui.workbench.webviewText('.card', /N\+1/), /N\+1 queries/);
    await ui.workbench.screenshot('insights-panel');
    await ui.workbench.webview().locator('#waterfall').scrollIntoViewIfNeeded();
    await ui.workbench.screenshot('insights-waterfall');
  });
});
