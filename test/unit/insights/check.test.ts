import * as assert from 'node:assert/strict';
import type { AssembledTrace } from '../../../src/engine/model';
import { runCheck } from '../../../src/engine/cli/check';
import type { CliDeps } from '../../../src/engine/cli/check';
import { runCompare } from '../../../src/engine/cli/compare';
import { compareRuns, compareWithEngine, UnknownRunError } from '../../../src/engine/insights/compare';
import { InsightEngine } from '../../../src/engine/insights/engine';
import { plantNPlusOne, rng, traces } from '../../support/traceBuilder';
import { MemoryReader } from './memoryReader';
import { T0 } from './helpers';

const NOW = T0 + 24 * 3600_000;

/** Run `runId`: 40 requests each of GET /a (aMs) and GET /b (20 ms) with ±2 % jitter, plus extra traces. */
function run(runId: string, startMs: number, aMs: number, extra: AssembledTrace[] = []): AssembledTrace[] {
  const r = rng(runId.length * 31 + aMs);
  const j = () => 1 + (r() - 0.5) * 0.04;
  return [
    ...traces(80, (tb, i) => void tb.server('GET', i % 2 ? '/a' : '/b', { durMs: (i % 2 ? aMs : 20) * j() }), { startMs, everyMs: 1000, runId }),
    ...extra,
  ];
}

function setup(aMsCandidate: number, candidateNPlusOne = false) {
  const all = [
    ...run('v1', T0, 10, plantNPlusOne(20, 20, 6, { startMs: T0, runId: 'v1', route: '/legacy' })),
    ...run('v2', T0 + 3600_000, aMsCandidate, candidateNPlusOne ? plantNPlusOne(20, 20, 6, { startMs: T0 + 3600_000, runId: 'v2' }) : []),
  ];
  const reader = new MemoryReader(all);
  const engine = new InsightEngine();
  for (const t of all) {
    engine.observeTrace(t);
  }
  return { reader, engine };
}

function cli(aMsCandidate: number, candidateNPlusOne = false): CliDeps & { out: string; err: string; opened: (string | undefined)[] } {
  const { reader, engine } = setup(aMsCandidate, candidateNPlusOne);
  const deps = {
    out: '',
    err: '',
    opened: [] as (string | undefined)[],
    compare: async (storage: string | undefined, baseline: string, candidate: string) => {
      deps.opened.push(storage);
      return compareWithEngine(engine, reader, baseline, candidate, NOW);
    },
    stdout: (s: string) => void (deps.out += s),
    stderr: (s: string) => void (deps.err += s),
  };
  return deps;
}

describe('insights/compare and check', () => {
  describe('compareRuns', () => {
    it('lists code objects of both runs by impact with significance, and new and vanished insights', () => {
      const { reader, engine } = setup(14, true);
      const cmp = compareRuns(reader, 'v1', 'v2', engine.evaluateRun(reader, 'v1', NOW), engine.evaluateRun(reader, 'v2', NOW), (k, id) => engine.samples(k, id));
      assert.equal(cmp.baseline.id, 'v1');
      assert.equal(cmp.candidate.id, 'v2');
      const top = cmp.rows[0];
      assert.ok(top.codeObject.endsWith('GET /a'), top.codeObject);
      assert.ok(Math.abs(top.p50Change - 0.4) < 0.03);
      assert.equal(top.significant, true);
      assert.ok(top.pValue! < 1e-6);
      assert.equal(top.impact, (Math.abs(top.p50Change) >= Math.abs(top.p95Change) ? top.p50Change : top.p95Change) * 40);
      const b = cmp.rows.find((r) => r.codeObject === 'endpoint:shop:GET /b')!;
      assert.equal(b.significant, false);
      assert.ok(cmp.rows.every((r, i) => i === 0 || cmp.rows[i - 1].impact >= r.impact));
      // The statement's span-level N+1 existed in v1 already (under /legacy): only the endpoint's is new.
      assert.deepEqual(cmp.newInsights.filter((i) => i.type === 'nPlusOne').map((i) => i.codeObject), ['endpoint:shop:GET /orders']);
      const fixed = cmp.fixedInsights.filter((i) => i.type === 'nPlusOne');
      assert.deepEqual(fixed.map((i) => [i.codeObject, i.status]), [['endpoint:shop:GET /legacy', 'possibly-fixed']]);
    });
    it('tests significance on histograms when raw samples are gone', () => {
      const { reader, engine } = setup(14);
      const cmp = compareRuns(reader, 'v1', 'v2', [], [], undefined);
      const top = cmp.rows[0];
      assert.equal(top.significant, true);
      assert.ok(top.pValue! < 0.001);
      assert.ok(engine.samples(top.codeObject, 'v2').length === 40);
    });
    it('names an unknown run', () => {
      const { reader } = setup(10);
      assert.throws(() => compareRuns(reader, 'v1', 'nope', [], []), (e: Error) => e instanceof UnknownRunError && /unknown run 'nope'; known runs: v1, v2/.test(e.message));
    });
  });

  describe('spanlens-engine check', () => {
    it('fails (1) on a 21 % regression with the default 20 % threshold, with a readable report', async () => {
      const d = cli(12.1);
      assert.equal(await runCheck(['--baseline', 'v1', '--candidate', 'v2', '--storage', '/tmp/x'], d), 1);
      assert.deepEqual(d.opened, ['/tmp/x']);
      assert.match(d.out, /REGRESSION GET \/a \[shop\]: p50 10\.\d+ ms → 12\.\d+ ms \(\+2[01]%\)/);
      assert.match(d.out, /FAILED: 2 regression\(s\), 0 failing insight\(s\)\./);
    });
    it('passes (0) on a 19 % slow-down (near miss)', async () => {
      const d = cli(11.9);
      assert.equal(await runCheck(['--baseline', 'v1', '--candidate', 'v2'], d), 0);
      assert.match(d.out, /PASSED: \d+ code objects compared, no regression beyond 20%\./);
    });
    it('honours --max-regression', async () => {
      assert.equal(await runCheck(['--baseline=v1', '--candidate=v2', '--max-regression', '50%'], cli(14)), 0);
      assert.equal(await runCheck(['--baseline=v1', '--candidate=v2', '--max-regression', '0.3'], cli(14)), 1);
    });
    it('fails on a listed insight type present in the candidate', async () => {
      const d = cli(10, true);
      assert.equal(await runCheck(['--baseline', 'v1', '--candidate', 'v2', '--fail-on', 'nPlusOne,bottleneck'], d), 1);
      assert.match(d.out, /INSIGHT {4}nPlusOne on endpoint:shop:GET \/orders: N\+1 queries \(6×\)/);
      assert.match(d.out, /fixed\? {5}nPlusOne on endpoint:shop:GET \/legacy/);
      assert.equal(await runCheck(['--baseline', 'v1', '--candidate', 'v2', '--fail-on', 'nPlusOne'], cli(10, false)), 0);
    });
    it('writes json, junit and markdown reports', async () => {
      let d = cli(14, true);
      assert.equal(await runCheck(['--baseline', 'v1', '--candidate', 'v2', '--fail-on', 'nPlusOne', '--format', 'json'], d), 1);
      const rep = JSON.parse(d.out);
      assert.equal(rep.passed, false);
      assert.equal(rep.regressions.length, 2);
      assert.equal(rep.failingInsights.length, 2);
      d = cli(14, true);
      await runCheck(['--baseline', 'v1', '--candidate', 'v2', '--fail-on', 'nPlusOne', '--format', 'junit'], d);
      assert.match(d.out, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites>/);
      assert.equal((d.out.match(/<failure /g) ?? []).length, 3);
      assert.match(d.out, /<testsuite name="spanlens check" tests="\d+" failures="3">/);
      d = cli(14);
      await runCheck(['--baseline', 'v1', '--candidate', 'v2', '--format', 'markdown'], d);
      assert.match(d.out, /^## ❌ SpanLens check: v2 vs v1/);
      assert.match(d.out, /\| `GET \/a` \| 10\.\d+ ms → 14\.\d+ ms \(\+4\d%\)/);
    });
    for (const [argv, msg] of [
      [['--baseline', 'v1'], /--baseline and --candidate are required/],
      [['--baseline', 'v1', '--candidate', 'v2', '--bogus', 'x'], /unknown option '--bogus'/],
      [['--baseline', 'v1', '--candidate', 'v2', '--fail-on', 'nPlus'], /unknown insight type 'nPlus'/],
      [['--baseline', 'v1', '--candidate', 'v2', '--format', 'xml'], /unknown format 'xml'/],
      [['--baseline', 'v1', '--candidate', 'v2', '--max-regression', 'lots'], /'lots' is not a percentage/],
      [['--baseline', 'v1', '--candidate'], /option '--candidate' needs a value/],
      [['v1', 'v2'], /unexpected argument 'v1'/],
      [['--baseline', 'v1', '--candidate', 'v9'], /unknown run 'v9'/],
    ] as [string[], RegExp][]) {
      it(`exits 2 on a usage error: ${argv.join(' ')}`, async () => {
        const d = cli(10);
        assert.equal(await runCheck(argv, d), 2);
        assert.match(d.err, msg);
        assert.equal(d.out, '');
      });
    }
    it('prints its usage with --help', async () => {
      const d = cli(10);
      assert.equal(await runCheck(['--help'], d), 0);
      assert.match(d.out, /--max-regression PCT/);
    });
  });

  describe('spanlens-engine compare', () => {
    it('prints the table by impact and the new and possibly-fixed insights', async () => {
      const d = cli(14, true);
      assert.equal(await runCompare(['--baseline', 'v1', '--candidate', 'v2'], d), 0);
      const lines = d.out.split('\n');
      assert.match(lines[0], /SpanLens compare: v2 vs v1/);
      assert.match(lines[3], /^GET \/a +10\.\d+ → 14\.\d+ \(\+4\d%\)/);
      assert.match(d.out, /new: +nPlusOne on endpoint:shop:GET \/orders/);
      assert.match(d.out, /possibly fixed: nPlusOne on endpoint:shop:GET \/legacy/);
    });
    it('prints json and exits 2 on usage errors', async () => {
      const d = cli(14);
      assert.equal(await runCompare(['--baseline', 'v1', '--candidate', 'v2', '--format', 'json'], d), 0);
      assert.equal(JSON.parse(d.out).rows[0].name, 'GET /a');
      assert.equal(await runCompare(['--baseline', 'v1', '--candidate', 'v2', '--limit', '0'], cli(1)), 2);
      assert.equal(await runCompare(['--candidate', 'v2'], cli(1)), 2);
    });
  });
});
