import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineProcess } from '../../support/engineProcess';
import { readEngineState, runEngineCli, startEngineProcess, tempStorage } from '../../support/engineProcess';
import { EngineApiClient } from '../../../src/engine/api/client';
import { emitWorkload, makeExporter } from '../../support/otelSdk';

describe('engine process: serve, state file, API token, attach', function () {
  this.timeout(60_000);
  let engine: EngineProcess;

  before(async () => {
    engine = await startEngineProcess();
  });
  after(async () => {
    await engine.stop();
    engine.cleanup();
  });

  it('writes engine.json with mode 0600 holding its pid, ports and a token', () => {
    const file = join(engine.storage, 'engine.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const s = engine.state;
    assert.equal(s.pid, engine.proc.pid);
    assert.equal(s.host, '127.0.0.1');
    assert.ok(s.apiPort > 0);
    assert.match(s.token, /^[0-9a-f]{64}$/);
    assert.equal(s.storage, engine.storage);
  });

  it('answers health with the token', async () => {
    const h = await engine.client.health();
    assert.equal(h.status, 'ok');
    assert.equal(h.pid, engine.proc.pid);
    assert.equal(h.apiPort, engine.state.apiPort);
    assert.ok(['node:sqlite', 'node-sqlite3-wasm'].includes(h.storeBackend));
    assert.equal(h.idleGc, true, 'started with --expose-gc: memory is given back once ingest is quiet');
  });

  it('answers 401 without a token and with a wrong one, with an error body', async () => {
    const none = await engine.client.raw('GET', '/api/v1/health', { token: null });
    assert.equal(none.status, 401);
    assert.equal((none.body as { error: { code: string } }).error.code, 'unauthorized');
    const wrong = await engine.client.raw('GET', '/api/v1/stats', { token: engine.state.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) });
    assert.equal(wrong.status, 401);
    const short = await engine.client.raw('GET', '/api/v1/stats', { token: 'x' });
    assert.equal(short.status, 401);
  });

  it('validates input and answers 404/405 with error bodies', async () => {
    const bad = await engine.client.raw('GET', '/api/v1/insights', { query: { minSeverity: 'urgent' } });
    assert.equal(bad.status, 400);
    assert.match((bad.body as { error: { message: string } }).error.message, /minSeverity/);
    const lim = await engine.client.raw('GET', '/api/v1/code-objects', { query: { limit: 'ten' } });
    assert.equal(lim.status, 400);
    const nf = await engine.client.raw('GET', '/api/v1/nothing');
    assert.equal(nf.status, 404);
    const co = await engine.client.raw('GET', '/api/v1/code-objects/span%3Ax%3Ay%3Az/stats');
    assert.equal(co.status, 404);
    const m = await engine.client.raw('POST', '/api/v1/health', { body: {} });
    assert.equal(m.status, 405);
    const lookup = await engine.client.raw('POST', '/api/v1/code-objects/lookup', { body: { keys: 'not-an-array' } });
    assert.equal(lookup.status, 400);
    const trace = await engine.client.raw('GET', '/api/v1/traces/not-hex');
    assert.equal(trace.status, 400);
    const cmp = await engine.client.raw('GET', '/api/v1/compare', { query: { baseline: 'a' } });
    assert.equal(cmp.status, 400);
  });

  it('a second engine on the same storage attaches and exits 0 saying where the first one is', async () => {
    const r = await runEngineCli(['serve', '--storage', engine.storage, '--otlp-http-port', '0', '--otlp-grpc-port', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /attached/);
    assert.ok(r.stdout.includes(`pid ${engine.proc.pid}`));
    assert.ok(r.stdout.includes(String(engine.state.apiPort)));
    // The first engine is untouched.
    assert.equal(readEngineState(engine.storage)?.pid, engine.proc.pid);
    assert.equal((await engine.client.health()).status, 'ok');
  });

  it('CLI queries go through the running engine', async () => {
    const r = await runEngineCli(['stats', '--storage', engine.storage, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { stats: { spansStored: number } };
    assert.equal(typeof doc.stats.spansStored, 'number');
  });
});

describe('engine process: lifecycle', function () {
  this.timeout(60_000);

  it('removes engine.json and the lock on SIGTERM and exits 0', async () => {
    const e = await startEngineProcess();
    try {
      assert.equal(await e.stop(), 0);
      assert.ok(!existsSync(join(e.storage, 'engine.json')));
      assert.ok(!existsSync(join(e.storage, 'engine.lock')));
    } finally {
      e.cleanup();
    }
  });

  it('a port taken by another program: exit 2 naming the port and the flag', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    const storage = tempStorage();
    try {
      const r = await runEngineCli(['serve', '--storage', storage, '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--api-port', String(port)]);
      assert.equal(r.code, 2);
      assert.ok(r.stderr.includes(`port ${port}`), r.stderr);
      assert.ok(r.stderr.includes('--api-port'), r.stderr);
      assert.ok(!existsSync(join(storage, 'engine.json')));
      assert.ok(!existsSync(join(storage, 'engine.lock')), 'lock released');
    } finally {
      blocker.close();
    }
  });

  it('usage errors exit 2; --help exits 0 for every command', async () => {
    const bad = await runEngineCli(['serve', '--no-such-flag']);
    assert.equal(bad.code, 2);
    const unknown = await runEngineCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    for (const c of ['serve', 'import', 'stats', 'insights', 'runs', 'compare', 'check', 'map', 'export']) {
      const h = await runEngineCli([c, '--help']);
      assert.equal(h.code, 0, `${c} --help`);
      assert.ok(h.stdout.includes(c), h.stdout);
    }
    const top = await runEngineCli(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /serve/);
  });

  it('the API client refuses a wrong port cleanly (no engine)', async () => {
    const c = new EngineApiClient('127.0.0.1', 9, 'x', 2000);
    await assert.rejects(c.health());
  });
});

describe('engine process: memory given back once ingest is quiet', function () {
  this.timeout(60_000);

  it('runs one full GC after the quiet time that follows a batch, not again until new spans come', async () => {
    const e = await startEngineProcess({ config: { idleGcAfterMs: 300, idleGcMinGrowthMB: 0 } });
    try {
      const gcLines = (): string[] => e.output().split('\n').filter((l) => l.includes('ingest quiet: full GC'));
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(gcLines(), [], 'no GC before any ingest');
      await emitWorkload(makeExporter('proto', `http://127.0.0.1:${e.state.otlpHttpPort}/v1/traces`), { traces: 4 });
      for (let i = 0; i < 100 && gcLines().length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(gcLines().length, 1, e.output());
      assert.match(gcLines()[0], /full GC in \d+ ms, heap used \d+ → \d+ MB, reserved \d+ → \d+ MB, RSS \d+ → \d+ MB/);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(gcLines().length, 1, 'once per quiet period');
    } finally {
      await e.stop();
      e.cleanup();
    }
  });
});
