import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAST_TRACES, runEngineCli, startEngineProcess, tempStorage } from '../../support/engineProcess';
import { serializeSpans, summarize, workloadSpans } from '../../support/otelSdk';

/** OTLP JSON files made by the real SDK serializer: two versions of the same workload. */
async function writeRuns(dir: string): Promise<{ v1: string; v2: string; spans: number }> {
  const a = await workloadSpans({ traces: 6, serviceVersion: '1.0.0' });
  const b = await workloadSpans({ traces: 6, serviceVersion: '2.0.0', seed: 7, dbCallsPerOrder: 12 });
  const v1 = join(dir, 'v1.json');
  const v2 = join(dir, 'v2.json');
  writeFileSync(v1, serializeSpans('json', a));
  writeFileSync(v2, serializeSpans('json', b));
  return { v1, v2, spans: summarize(a).spans };
}

describe('import, runs, compare and check from the command line', function () {
  this.timeout(120_000);
  let storage: string;
  beforeEach(() => {
    storage = tempStorage();
  });
  afterEach(() => rmSync(storage, { recursive: true, force: true }));

  it('imports into the store without a running engine; each import is a run; compare and check read them', async () => {
    const { v1, v2, spans } = await writeRuns(storage);
    const imp = await runEngineCli(['import', v1, '--storage', storage, '--run', 'base', '--format', 'json']);
    assert.equal(imp.code, 0, imp.stderr);
    const doc = JSON.parse(imp.stdout) as { spans: number; runId: string; format: string }[];
    assert.deepEqual([doc[0].spans, doc[0].runId, doc[0].format], [spans, 'base', 'otlp-json']);
    const imp2 = await runEngineCli(['import', v2, '--storage', storage]);
    assert.equal(imp2.code, 0, imp2.stderr);
    const cand = /run (import-\S+)/.exec(imp2.stdout)?.[1];
    assert.ok(cand, imp2.stdout);
    const runs = await runEngineCli(['runs', '--storage', storage, '--format', 'json']);
    const ids = (JSON.parse(runs.stdout) as { id: string; source: string }[]).map((r) => `${r.id}/${r.source}`).sort();
    assert.deepEqual(ids, ['base/import', `${cand}/import`].sort());
    const cmp = await runEngineCli(['compare', '--storage', storage, '--baseline', 'base', '--candidate', cand, '--format', 'json']);
    assert.equal(cmp.code, 0, cmp.stderr);
    const rows = (JSON.parse(cmp.stdout) as { rows: { codeObject: string }[] }).rows;
    assert.ok(rows.length > 3);
    const unknown = await runEngineCli(['compare', '--storage', storage, '--baseline', 'nope', '--candidate', cand]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /nope/);
    const check = await runEngineCli(['check', '--storage', storage, '--baseline', 'base', '--candidate', cand, '--fail-on', 'nPlusOne']);
    assert.ok(check.code === 0 || check.code === 1, check.stderr);
    const bad = await runEngineCli(['import', join(storage, 'missing.json'), '--storage', storage]);
    assert.equal(bad.code, 2);
  });

  it('imports through the API of a running engine (path and content), and rejects garbage with the offset', async () => {
    const { v1, spans } = await writeRuns(storage);
    const e = await startEngineProcess({ config: FAST_TRACES });
    try {
      const byPath = await e.client.import({ path: v1 });
      assert.equal(byPath.spans, spans);
      assert.match(byPath.runId, /^import-/);
      const byContent = await e.client.import({ content: '{"resourceSpans":[]}', runId: 'empty' });
      assert.equal(byContent.spans, 0);
      const garbage = await e.client.raw('POST', '/api/v1/import', { body: { content: 'hello, not traces' } });
      assert.equal(garbage.status, 400);
      assert.match((garbage.body as { error: { message: string } }).error.message, /offset|line/);
      const both = await e.client.raw('POST', '/api/v1/import', { body: { content: 'x', path: 'y' } });
      assert.equal(both.status, 400);
      // The CLI uses the running engine.
      const r = await runEngineCli(['import', v1, '--storage', e.storage]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await e.client.stats()).spansStored, 2 * spans);
      const cmp = await runEngineCli(['compare', '--storage', e.storage, '--baseline', byPath.runId, '--candidate', /run (import-\S+)/.exec(r.stdout)![1], '--format', 'json']);
      assert.equal(cmp.code, 0, cmp.stderr);
    } finally {
      await e.stop();
      e.cleanup();
    }
  });
});
