import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HOVER_COMMANDS, buildHoverMarkdown, hoverTrust } from '../../src/providers/hoverMarkdown';
import type { Insight } from '../../src/shared/api';
import { isInsideFolder, resolveInWorkspace } from '../../src/views/pathGuard';
import { makeNonce, webviewDocument } from '../../src/views/webviewDocument';

const REPO = path.resolve(__dirname, '../../..');

describe('reliability: the Insights webview HTML', () => {
  const nonce = makeNonce();
  const html = webviewDocument({ cspSource: 'https://abc.vscode-cdn.net', scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js', styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/insights.css', nonce });
  const cspMeta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  const csp = new Map((cspMeta?.[1] ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v] as const));

  it("has a CSP with default-src 'none', scripts by nonce only, no unsafe-inline or unsafe-eval", () => {
    assert.ok(cspMeta, 'a CSP meta tag');
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(csp.get('connect-src'), ["'none'"]);
    assert.ok(!/unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic|\*/.test(cspMeta![1]), cspMeta![1]);
    for (const [directive, sources] of csp) {
      assert.ok(!sources.includes('http:') && !sources.includes('https:') && !sources.includes('data:') || directive === 'img-src', `${directive} allows a whole scheme`);
    }
  });

  it('every script carries the nonce and loads from the extension; no inline script, style or handler', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length >= 1);
    for (const [, attrs, body] of scripts) {
      assert.match(attrs, new RegExp(`nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`));
      assert.match(attrs, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\//);
      assert.equal(body.trim(), '', 'no inline script');
    }
    assert.doesNotMatch(html, /<style\b|\sstyle=|\son[a-z]+=|javascript:/i);
  });

  it('makes a fresh unguessable nonce per render, and the bundle needs no eval', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => makeNonce()));
    assert.equal(nonces.size, 200);
    for (const n of nonces) {
      assert.ok(Buffer.from(n, 'base64').length >= 16);
    }
    const bundle = fs.readFileSync(path.join(REPO, 'dist', 'webview.js'), 'utf8');
    assert.doesNotMatch(bundle, /\beval\s*\(|\bnew\s+Function\s*\(|\.innerHTML\s*=|insertAdjacentHTML|document\.write/);
  });
});

describe('reliability: hover links run SpanLens commands only', () => {
  const declared = new Set((JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command));

  it('trusts a short list of declared SpanLens commands, never everything', () => {
    const trust = hoverTrust();
    assert.notEqual(trust as unknown, true);
    assert.ok(trust.enabledCommands.length > 0);
    for (const c of trust.enabledCommands) {
      assert.match(c, /^spanlens\./);
      assert.ok(declared.has(c), `${c} is a declared command`);
    }
    assert.deepEqual(trust.enabledCommands, [...HOVER_COMMANDS]);
  });

  it('links only to trusted commands whatever the trace data says', () => {
    const evil = [
      '[run](command:workbench.action.terminal.new)',
      'x`\n\n[click](command:workbench.action.terminal.sendSequence?%5B%7B%22text%22%3A%22rm%22%7D%5D)',
      '<a href="command:workbench.action.files.delete">x</a>',
      '![img](https://evil.example/x.png)',
      '[x]: command:workbench.action.quit\n\n[x]',
    ];
    const insights = evil.map(
      (text, i) => ({ id: `i${i}`, type: 'errorHotspot', title: text, detail: text, severity: 'high', status: 'active', codeObjectId: 'span:s:x:y', figures: { exceptionType: text, message: text, count: 3 } }) as unknown as Insight,
    );
    const md = buildHoverMarkdown({ label: evil[1], insights, exceptions: evil.map((type) => ({ type, count: 2, message: type })), target: { label: 'f', codeObjects: ['span:s:x:y'] } });
    const trusted = new Set(hoverTrust().enabledCommands);
    // Live link targets: `](target` and reference definitions `[x]: target` at a line start, outside
    // escapes and code spans (which markdown renders as text).
    const unescaped = md.replace(/\\./g, '').replace(/`[^`\n]*`/g, '');
    const targets = [...unescaped.matchAll(/\]\(\s*<?([^)\s>]+)/g), ...unescaped.matchAll(/^\s*\[[^\]]*\]:\s*(\S+)/gm)].map((m) => m[1]);
    assert.ok(targets.length >= 1, 'the hover has its own links');
    for (const t of targets) {
      const m = /^command:([^?]+)/.exec(t);
      assert.ok(m && trusted.has(m[1]), `link target ${t} in:\n${md}`);
    }
    assert.doesNotMatch(unescaped, /<a\b|<img\b/i, 'no raw HTML');
    // Every code span is closed on its own line, so no trace text escapes it into live markdown.
    for (const line of md.split('\n')) {
      assert.equal((line.replace(/\\`/g, '').match(/`/g) ?? []).length % 2, 0, `unbalanced code span in: ${line}`);
    }
  });
});

describe('reliability: the host opens files from the webview only inside the workspace', () => {
  let root: string;
  let ws: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-rel-guard-'));
    ws = path.join(root, 'ws');
    fs.mkdirSync(path.join(ws, 'app'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'app', 'main.py'), 'x');
    fs.mkdirSync(path.join(root, 'outside'));
    fs.writeFileSync(path.join(root, 'outside', 'secret.txt'), 's');
    fs.writeFileSync(path.join(root, 'secret.txt'), 's');
    fs.mkdirSync(path.join(root, 'ws-evil'));
    fs.writeFileSync(path.join(root, 'ws-evil', 'main.py'), 'x');
    fs.symlinkSync(path.join(root, 'secret.txt'), path.join(ws, 'link.txt'));
    fs.symlinkSync(path.join(root, 'outside'), path.join(ws, 'linkdir'));
    fs.symlinkSync(path.join(ws, 'app', 'main.py'), path.join(ws, 'inner-link.py'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('refuses .., absolute paths outside, symlinks out, sibling prefixes and odd encodings', () => {
    const refused = [
      '../secret.txt',
      'app/../../secret.txt',
      '..\\secret.txt',
      'app\\..\\..\\secret.txt',
      path.join(root, 'secret.txt'),
      path.join(ws, '..', 'secret.txt'),
      path.join(root, 'outside', 'secret.txt'),
      'link.txt',
      path.join(ws, 'link.txt'),
      'linkdir/secret.txt',
      path.join(ws, 'linkdir', 'secret.txt'),
      `${ws}-evil/main.py`,
      '../ws-evil/main.py',
      `file://${path.join(root, 'secret.txt')}`,
      '%2e%2e/secret.txt',
      'app/main.py\0.txt',
      '',
      '/etc/shadow',
    ];
    for (const p of refused) {
      assert.equal(resolveInWorkspace([ws], p), undefined, `opened ${JSON.stringify(p)}`);
    }
    assert.ok(!isInsideFolder(ws, path.join(ws, 'linkdir', 'secret.txt')));
    assert.ok(!isInsideFolder(ws, 'app/main.py'), 'relative paths are never "inside"');
  });

  it('opens files that are inside, by relative, absolute or foreign absolute path', () => {
    const main = path.join(ws, 'app', 'main.py');
    assert.equal(resolveInWorkspace([ws], 'app/main.py'), main);
    assert.equal(resolveInWorkspace([ws], main), main);
    assert.equal(resolveInWorkspace([ws], '/srv/build/app/main.py'), main);
    assert.equal(resolveInWorkspace([ws], 'inner-link.py'), path.join(ws, 'inner-link.py'));
  });
});
