import * as assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { createLogger, silentLogger } from '../../../src/engine/logger';
import type { Footprint } from '../../../src/engine/store/idleGc';
import { IdleGc } from '../../../src/engine/store/idleGc';

const MB = 2 ** 20;

/** An IdleGc whose heap is `size` MB (heap reserved + external) and whose collections are counted. */
function counted(quietMs: number, minGrowthMB: number, start: number) {
  let size = start;
  const calls: number[] = [];
  const footprint = (): Footprint => ({ heapUsed: size * MB, heapTotal: size * MB, external: 0, rss: size * MB });
  const gc = new IdleGc(quietMs, minGrowthMB * MB, silentLogger, () => {
    calls.push(size);
    size = start;
  }, footprint);
  return { gc, calls, grow: (mb: number) => (size += mb) };
}

describe('idle GC: memory given back once ingest is quiet', () => {
  it('collects once after the quiet time that follows ingest', () => {
    const { gc, calls, grow } = counted(1000, 16, 20);
    assert.equal(gc.tick(0, 5000), false, 'nothing ingested yet');
    grow(100);
    assert.equal(gc.tick(10_000, 10_500), false, 'ingest not quiet long enough');
    assert.equal(gc.tick(10_000, 11_000), true);
    assert.deepEqual(calls, [120]);
    grow(100);
    assert.equal(gc.tick(10_000, 20_000), false, 'not again until new spans come');
    assert.equal(gc.tick(19_000, 20_000), true, 'new spans, quiet again, heap grew');
    assert.equal(calls.length, 2);
  });

  it('skips a quiet period in which the heap did not grow by the minimum (sparse traffic pays nothing)', () => {
    const { gc, calls, grow } = counted(1000, 16, 20);
    grow(10);
    assert.equal(gc.tick(1000, 3000), false, '10 MB < 16 MB');
    grow(10);
    assert.equal(gc.tick(1000, 4000), false, 'the same quiet period is judged once');
    assert.equal(gc.tick(5000, 7000), true, '20 MB of growth since the last collection (or start)');
    assert.equal(calls.length, 1);
    grow(15);
    assert.equal(gc.tick(8000, 9500), false, 'growth counts from the size the last collection left');
  });

  it("asks V8 12+ for its memory-reducing GC and V8 11 (which ignores the options) for two plain ones", () => {
    const seen: unknown[][] = [];
    const gc = (...args: unknown[]): void => void seen.push(args);
    IdleGc.exposed(gc, '12.4.254.21-node.57')?.();
    IdleGc.exposed(gc, '13.2.152.41-electron.0')?.();
    IdleGc.exposed(gc, '11.3.244.8-node.38')?.();
    const lastResort = { type: 'major', execution: 'sync', flavor: 'last-resort' };
    assert.deepEqual(seen, [[lastResort], [lastResort], [], []]);
    assert.equal(IdleGc.exposed(undefined, '12.4'), undefined);
  });

  it('is off without --expose-gc or with a quiet time of 0, and ticks at half the quiet time (100 ms to 5 s)', () => {
    assert.equal(new IdleGc(1000, 0, silentLogger, undefined).enabled, false);
    assert.equal(new IdleGc(0, 0, silentLogger, () => undefined).enabled, false);
    assert.equal(new IdleGc(1000, 0, silentLogger, () => undefined).tickMs, 500);
    assert.equal(new IdleGc(60_000, 0, silentLogger, () => undefined).tickMs, 5000);
    assert.equal(new IdleGc(50, 0, silentLogger, () => undefined).tickMs, 100);
  });

  it("gives V8's reserved heap back with this runtime's own gc", function () {
    this.timeout(30_000);
    setFlagsFromString('--expose-gc');
    const realGc = IdleGc.exposed(runInNewContext('gc'));
    const lines: string[] = [];
    const gc = new IdleGc(10, 0, createLogger('test', (_level, line) => lines.push(line)), realGc);
    // Grow the heap with short-lived objects: what ingest leaves behind once its requests are done.
    let made = 0;
    for (let round = 0; round < 4; round++) {
      const batch: object[] = [];
      for (let i = 0; i < 400_000; i++) {
        batch.push({ i, name: `span-${i}`, attrs: [i, i + 1] });
      }
      made += batch.length;
    }
    assert.equal(made, 1_600_000);
    const before = process.memoryUsage().heapTotal;
    assert.equal(gc.tick(1, 1000), true);
    const after = process.memoryUsage().heapTotal;
    assert.ok(after < before - 32 * MB, `heap reserved ${(before / MB).toFixed(0)} → ${(after / MB).toFixed(0)} MB`);
    assert.match(lines[0], /ingest quiet: full GC in \d+ ms, heap used \d+ → \d+ MB, reserved \d+ → \d+ MB, RSS \d+ → \d+ MB/);
  });
});
