/**
 * CodeLens and hover results through VS Code's own command API, on the demo workspace, after the runner sent
 * the recorded demo traces (media/demo) to the real engine the extension attaches to.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { spanlens, testEnv, waitFor, workspaceRoot } from './support';

/** Planted problems of the demo workspace (demo/workspace/README.md). */
const NPLUS1 = { file: 'python-api/app/repository.py', def: 'async def list_orders', name: 'list_orders', lens: /N\+1/ };

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

describe('CodeLens and hover on recorded traces in the real engine', function () {
  before(async function () {
    if (testEnv.spansStored === 0) {
      this.skip();
    }
    await spanlens().activate();
  });

  it(`shows an N+1 CodeLens and a figures lens above ${NPLUS1.name} (${NPLUS1.file})`, async () => {
    const doc = await open(NPLUS1.file);
    const lenses = await spanlensLenses(doc, lineOf(doc, NPLUS1.def), NPLUS1.lens);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.some((t) => /p95 \d/.test(t) || /\d+ calls/.test(t)), `no figures lens among: ${titles.join(' | ')}`);
    for (const lens of lenses) {
      assert.equal(lens.command?.command, 'spanlens.showInsights', 'a click opens the Insights view');
    }
  });

  it(`hovering ${NPLUS1.name} shows its percentiles, the N+1 insight and trusted SpanLens links`, async () => {
    const doc = await open(NPLUS1.file);
    const line = lineOf(doc, NPLUS1.def);
    const at = new vscode.Position(line, doc.lineAt(line).text.indexOf(NPLUS1.name) + 2);
    const text = await waitFor('a SpanLens hover', async () => {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at)) ?? [];
      const t = hoverText(hovers);
      return /p95/.test(t) ? t : undefined;
    }, 30_000);
    assert.match(text, /\| p50 \| p95 \| p99 \|/);
    assert.match(text, /\d+(\.\d+)? ?(ms|s|µs)/);
    assert.match(text, /N\+1/);
    assert.match(text, /command:spanlens\.\w+/);
  });

  it('puts no SpanLens CodeLens where there is no runtime data (an unrelated document)', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: 'def nothing_recorded_here():\n    return 0\n' });
    await vscode.window.showTextDocument(doc);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
    const titles = lenses.filter((l) => l.command?.command.startsWith('spanlens.')).map((l) => l.command?.title ?? '');
    assert.deepEqual(titles.filter((t) => /p95|N\+1|calls/.test(t)), []);
  });
});
