import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { loadedManifest, spanlens } from './support';

describe('SpanLens commands', () => {
  before(async () => {
    await spanlens().activate();
  });

  it('declares at least the eight commands of the product', () => {
    assert.ok(loadedManifest().contributes.commands.length >= 8);
  });

  for (const { command } of loadedManifest().contributes.commands) {
    it(`registers ${command} (declared in package.json)`, async () => {
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.ok(registered.has(command), `${command} is declared in package.json but not registered`);
    });
  }

  it('declares every command under the "SpanLens" category', () => {
    const stray = loadedManifest().contributes.commands.filter((c) => !c.command.startsWith('spanlens.') || c.category !== 'SpanLens');
    assert.deepEqual(stray, []);
  });

  it('"Show Insights" reveals the Insights view', async () => {
    await vscode.commands.executeCommand('spanlens.showInsights');
    // The contributed view container is now the visible sidebar: its focus command exists and runs.
    await vscode.commands.executeCommand('spanlens.views.insights.focus');
  });

  it('"Copy OTLP Endpoint" copies a loopback OTLP/HTTP URL', async () => {
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('spanlens.copyOtlpEndpoint');
    const text = await vscode.env.clipboard.readText();
    assert.match(text, /^http:\/\/127\.0\.0\.1:\d+/);
  });
});
