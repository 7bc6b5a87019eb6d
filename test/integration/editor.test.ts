/**
 * CodeLens and hover results through VS Code's own command API, on the demo workspace, after the runner sent
 * the recorded demo traces (media/demo) to the real engine the extension attaches to.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { spanlens, testEnv, waitFor, workspaceRoot } from './support';

/** Planted problems of the demo workspace (demo/workspace/README.md). */
const NPLUS1 = { file: 'python-api/app/repository.py', def: 'async def list_orders', name: 'list_orders' };

async function open(relative: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), relative));
  await vscode.window.showTextDocument(doc);
  return doc;
}

function lineOf(doc: vscode.TextDocument, text: string): number {
  const line = doc.getText().split('\n').findIndex((l) => l.includes(text));
  assert.ok(line >= 0, `"${text}" not found in ${doc.uri.fsPath}`);
  return line;
}

/** The SpanLens lenses of a document, resolved (titles filled in), once the engine data has arrived. */
async function spanlensLenses(doc: vscode.TextDocument, line: number, expect: RegExp): Promise<vscode.CodeLens[]> {
  let seen: string[] = [];
  try {
    return await waitFor(`a SpanLens CodeLens matching ${String(expect)} on line ${line + 1}`, async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
      const ours = lenses.filter((l) => l.command?.command.startsWith('spanlens.'));
      seen = ours.map((l) => `${l.range.start.line + 1}: ${l.command?.title}`);
      const here = ours.filter((l) => l.range.start.line === line);
      return here.some((l) => expect.test(l.command?.title ?? '')) ? here : undefined;
    }, 45_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}; SpanLens lenses seen: ${seen.join(' | ') || 'none'}`, { cause: e });
  }
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

async function hoverAt(doc: vscode.TextDocument, def: string, name: string, expect: RegExp): Promise<string> {
  const line = lineOf(doc, def);
  const at = new vscode.Position(line, doc.lineAt(line).text.indexOf(name) + 2);
  return waitFor(`a SpanLens hover matching ${String(expect)}`, async () => {
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at)) ?? [];
    const t = hoverText(hovers);
    return expect.test(t) ? t : undefined;
  }, 30_000);
}

describe('CodeLens and hover on recorded traces in the real engine', function () {
  before(async function () {
    if (testEnv.spansStored === 0) {
      this.skip();
    }
    await spanlens().activate();
  });

  it(`shows a figures CodeLens (p95 · errors · rate) above ${NPLUS1.name} (${NPLUS1.file})`, async () => {
    const doc = await open(NPLUS1.file);
    const lenses = await spanlensLenses(doc, lineOf(doc, NPLUS1.def), /p95 \d+(\.\d+)? ?(ms|s|µs) · \d+(\.\d+)?% errors · [\d.]+\/min/);
    for (const lens of lenses) {
      assert.equal(lens.command?.command, 'spanlens.showInsights', 'a click opens the Insights view');
    }
  });

  it(`hovering ${NPLUS1.name} shows its percentiles, calls and trusted SpanLens command links`, async () => {
    const doc = await open(NPLUS1.file);
    const text = await hoverAt(doc, NPLUS1.def, NPLUS1.name, /p95/);
    assert.match(text, /\| p50 \| p95 \| p99 \| errors \| calls \|/);
    assert.match(text, /\| \d+(\.\d+)? ?(ms|s|µs) \| \d+(\.\d+)? ?(ms|s|µs) \| \d+(\.\d+)? ?(ms|s|µs) \|/);
    assert.match(text, /OrderRepository\.list_orders/);
    assert.match(text, /\(command:spanlens\.showInsights\?/);
  });

  describe('insights raised by the engine', () => {
    before(() => {
      // The harness waits for the planted N+1 before VS Code starts; its absence is a failure, not a skip.
      assert.ok(testEnv.insightTypes.includes('nPlusOne'), `engine raised: ${testEnv.insightTypes.join(', ')}`);
    });

    it(`shows the N+1 CodeLens above ${NPLUS1.name}`, async () => {
      const doc = await open(NPLUS1.file);
      const lenses = await spanlensLenses(doc, lineOf(doc, NPLUS1.def), /N\+1/);
      assert.ok(lenses.some((l) => /N\+1 queries/.test(l.command?.title ?? '')));
    });

    it(`names the N+1 insight in the hover of ${NPLUS1.name}`, async () => {
      const doc = await open(NPLUS1.file);
      assert.match(await hoverAt(doc, NPLUS1.def, NPLUS1.name, /N\+1/), /N\+1/);
    });
  });

  it('puts no figures or insight lens above a function with no runtime data (get_pool)', async () => {
    const doc = await open(NPLUS1.file);
    await spanlensLenses(doc, lineOf(doc, NPLUS1.def), /p95/);
    const line = lineOf(doc, 'async def get_pool');
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
    const here = lenses.filter((l) => l.range.start.line === line && l.command?.command.startsWith('spanlens.')).map((l) => l.command?.title ?? '');
    assert.deepEqual(here.filter((t) => /p95|N\+1|calls|Bottleneck/.test(t)), []);
  });
});
