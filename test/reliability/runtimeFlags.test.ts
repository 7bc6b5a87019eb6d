import * as assert from 'node:assert/strict';
import type { EngineProcess } from '../support/engineProcess';
import { startEngineProcess, waitFor } from '../support/engineProcess';
import { request } from '../unit/ingest/httpClient';
import { pbRequest, pbSpan } from './payloads';

const MB = 2 ** 20;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resident memory of an engine on the WebAssembly store, after it answered and settled for a second. */
async function idleWasmRss(runtimeFlags: string[]): Promise<{ rss: number; output: string }> {
  const e = await startEngineProcess({ runtimeFlags, args: ['--store-backend', 'node-sqlite3-wasm'] });
  try {
    assert.equal((await e.client.health()).storeBackend, 'node-sqlite3-wasm');
    await sleep(1000);
    return { rss: (await e.client.stats()).rssBytes ?? 0, output: e.output() };
  } finally {
    await e.kill9();
    e.cleanup();
  }
}

/** Sends `requests` OTLP/HTTP requests of `spans` spans each. */
async function burst(e: EngineProcess, requests: number, spans: number): Promise<void> {
  for (let i = 0; i < requests; i++) {
    const batch = Array.from({ length: spans }, (_, j) => pbSpan({ name: `burst-${j % 50}` }));
    const r = await request(e.state.otlpHttpPort, { headers: { 'content-type': 'application/x-protobuf' }, body: pbRequest(batch) });
    assert.equal(r.status, 200);
  }
}

describe('reliability: the engine started without ENGINE_RUNTIME_FLAGS (`npx spanlens-engine serve`, `node dist/engine.js serve`)', function () {
  this.timeout(60_000);

  it('sets --expose-gc and --liftoff-only at run time in its own process and gives memory back once ingest is quiet', async () => {
    const e = await startEngineProcess({ runtimeFlags: [], config: { idleGcAfterMs: 200, idleGcMinGrowthMB: 0 } });
    try {
      const h = await e.client.health();
      assert.equal(h.pid, e.proc.pid, 'the process node started serves: no second process');
      assert.equal(h.idleGc, true, 'idle GC enabled');
      await burst(e, 20, 2000);
      await waitFor(() => /ingest quiet: full GC/.test(e.output()), 'the idle GC after the burst');
      assert.match(e.output(), /runtime flags set at run time: --expose-gc --liftoff-only; on the node command line only: --max-semi-space-size=8\n/);
      const [, before, after] = /reserved (\d+) → (\d+) MB/.exec(e.output()) ?? [];
      assert.ok(Number(after) < Number(before), `heap reserved ${before} → ${after} MB`);
    } finally {
      await e.kill9();
      e.cleanup();
    }
  });

  it('compiles the WebAssembly SQLite with the baseline compiler alone: idle, ~40 MB less resident than with --no-liftoff-only', async function () {
    this.timeout(90_000);
    const runTime = await idleWasmRss([]);
    const optedOut = await idleWasmRss(['--no-liftoff-only']);
    // Measured: 66 against 113–119 MB (Node 20), 71 against 121 MB (Node 22).
    assert.ok(runTime.rss < optedOut.rss - 20 * MB, `RSS ${(runTime.rss / MB).toFixed(0)} MB without flags, ${(optedOut.rss / MB).toFixed(0)} MB with --no-liftoff-only`);
    assert.match(optedOut.output, /runtime flags set at run time: --expose-gc;/, 'a flag on the command line, even --no-…, is left as it is');
  });

  it('leaves the flags given on the command line as they are and logs nothing of them', async () => {
    const e = await startEngineProcess();
    try {
      assert.equal((await e.client.health()).idleGc, true);
      assert.doesNotMatch(e.output(), /runtime flags/);
    } finally {
      await e.kill9();
      e.cleanup();
    }
  });
});
