import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { loadedManifest, spanlens, testEnv, waitFor } from './support';

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

  it('"Copy OTLP Endpoint" copies the loopback OTLP/HTTP URL the engine listens on', async () => {
    const copy = async () => {
      await vscode.env.clipboard.writeText('');
      await vscode.commands.executeCommand('spanlens.copyOtlpEndpoint');
      return vscode.env.clipboard.readText();
    };
    if (!testEnv.engineServes) {
      // Before an engine reports its own ports, the configured one (0 in the harness settings) is all there is.
      assert.match(await copy(), /^http:\/\/127\.0\.0\.1:(\d+|<port chosen at start>)$/);
      return;
    }
    // The extension started its engine (first need: the Python document above) on ports the OS picked.
    const text = await waitFor('the engine to report its OTLP port', async () => {
      const t = await copy();
      return /:[1-9]\d*$/.test(t) ? t : undefined;
    });
    assert.match(text, /^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });
});
