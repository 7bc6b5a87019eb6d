import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RestartPolicy } from '../../../src/engineClient/backoff';
import { parseEngineState } from '../../../src/engineClient/stateFile';
import { isInsideFolder, resolveInWorkspace } from '../../../src/views/pathGuard';
import { parseStackTrace } from '../../../src/views/stackFrames';

describe('path inside workspace', () => {
  let root: string;
  let ws: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-guard-'));
    ws = path.join(root, 'ws');
    fs.mkdirSync(path.join(ws, 'app'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'app', 'main.py'), 'x');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'x');
    fs.symlinkSync(path.join(root, 'secret.txt'), path.join(ws, 'link.txt'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('accepts files in the folder and rejects escapes, relative paths and symlinks out', () => {
    assert.ok(isInsideFolder(ws, path.join(ws, 'app', 'main.py')));
    assert.ok(!isInsideFolder(ws, path.join(ws, '..', 'secret.txt')));
    assert.ok(!isInsideFolder(ws, 'app/main.py'));
    assert.ok(!isInsideFolder(ws, path.join(ws, 'link.txt')), 'a symlink pointing outside is outside');
    assert.ok(!isInsideFolder(ws, `${ws}-other/file`));
  });

  it('resolves trace paths (relative, absolute elsewhere) to existing workspace files only', () => {
    assert.equal(resolveInWorkspace([ws], 'app/main.py'), path.join(ws, 'app', 'main.py'));
    assert.equal(resolveInWorkspace([ws], '/home/ci/build/svc/app/main.py'), path.join(ws, 'app', 'main.py'));
    assert.equal(resolveInWorkspace([ws], '../secret.txt'), undefined);
    assert.equal(resolveInWorkspace([ws], path.join(root, 'secret.txt')), undefined);
    assert.equal(resolveInWorkspace([ws], 'link.txt'), undefined);
    assert.equal(resolveInWorkspace([ws], 'app/missing.py'), undefined);
  });
});

describe('stack frames', () => {
  it('parses Python, JS, Java, .NET and Go frames', () => {
    const py = parseStackTrace('Traceback (most recent call last):\n  File "/srv/app/main.py", line 42, in get_user\n    return users[id]\nKeyError: 7');
    assert.deepEqual(py.map((f) => [f.file, f.line, f.function]), [['/srv/app/main.py', 42, 'get_user']]);
    const js = parseStackTrace('Error: boom\n    at priceCart (/srv/src/cart.ts:12:5)\n    at async /srv/src/server.ts:30:9\n    at node:internal/x:1:1');
    assert.deepEqual(js.map((f) => [f.file, f.line, f.function]).slice(0, 2), [['/srv/src/cart.ts', 12, 'priceCart'], ['/srv/src/server.ts', 30, undefined]]);
    assert.deepEqual(parseStackTrace('   at Shop.Orders.Get() in /src/Orders.cs:line 31').map((f) => [f.file, f.line]), [['/src/Orders.cs', 31]]);
    assert.deepEqual(parseStackTrace('\tat com.shop.Orders.get(Orders.java:31)').map((f) => [f.file, f.line, f.function]), [['Orders.java', 31, 'com.shop.Orders.get']]);
    assert.deepEqual(parseStackTrace('main.handler()\n\t/app/orders.go:31 +0x1d').map((f) => [f.file, f.line]), [['/app/orders.go', 31]]);
  });
});

describe('engine restart policy', () => {
  it('backs off exponentially and gives up after the bound within the window', () => {
    const p = new RestartPolicy({ initialDelayMs: 100, maxDelayMs: 350, maxRestarts: 3, windowMs: 1000 });
    assert.deepEqual([p.onCrash(0), p.onCrash(10), p.onCrash(20), p.onCrash(30)], [100, 200, 350, undefined]);
    assert.equal(p.onCrash(5000), 100, 'old crashes fall out of the window');
    p.reset();
    assert.equal(p.onCrash(5001), 100);
  });
});

describe('engine state file', () => {
  it('accepts a complete state and rejects partial or foreign files', () => {
    const good = { pid: 12, version: '0.1.0', host: '127.0.0.1', otlpHttpPort: 4318, otlpGrpcPort: 4317, apiPort: 40123, token: 'abc', startedAt: 1, storage: '/s' };
    assert.deepEqual(parseEngineState(JSON.stringify(good)), good);
    assert.equal(parseEngineState('{"pid": 12, "apiPort": 40123'), undefined);
    assert.equal(parseEngineState(JSON.stringify({ ...good, token: '' })), undefined);
    assert.equal(parseEngineState(JSON.stringify({ ...good, apiPort: 0 })), undefined);
    assert.equal(parseEngineState('[]'), undefined);
  });
});
