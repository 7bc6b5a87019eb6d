/**
 * Insights benchmark (not part of `npm test`): `npm run bench:insights`.
 * 200 code objects (40 endpoints × [endpoint, server span, 3 child spans]) over the kept traces:
 * trace observation cost, full evaluation time, and the lookup of one file's insights; plus the
 * DDSketch quantile error against exact quantiles on 100k samples.
 */
import type { CodeObjectStats } from '../../../src/shared/api';
import type { AggregateReader, StatsWindow } from '../../../src/engine/model';
import { InsightEngine } from '../../../src/engine/insights/engine';
import type { SliceStats } from '../../../src/engine/insights/slices';
import { SLICE_MS } from '../../../src/engine/insightsLoop';
import { DurationDigest } from '../../../src/engine/insights/sketch';
import { quantileSorted } from '../../../src/engine/insights/stats';
import { rng, spread, traces } from '../../support/traceBuilder';
import { MemoryReader } from './memoryReader';

/** The store answers stats from pre-aggregated buckets; memoize so the bench measures the analyzers. */
class CachedReader implements AggregateReader {
  private cache = new Map<string, CodeObjectStats | undefined>();
  constructor(private readonly inner: AggregateReader) {}
  codeObjects() {
    return this.inner.codeObjects();
  }
  private runList: ReturnType<AggregateReader['runs']> | undefined;
  runs() {
    this.runList ??= this.inner.runs();
    return this.runList;
  }
  stats(key: string, w?: StatsWindow) {
    const k = `${key}|${JSON.stringify(w ?? {})}`;
    if (!this.cache.has(k)) {
      this.cache.set(k, this.inner.stats(key, w));
    }
    return this.cache.get(k);
  }
}

function pct(xs: number[], q: number): number {
  return quantileSorted([...xs].sort((a, b) => a - b), q);
}

const r = rng(1);
const T0 = Date.UTC(2026, 0, 1);
const all = traces(
  5000,
  (tb, i) => {
    const e = i % 40;
    const root = tb.server('GET', `/api/e${e}/{id}`, { durMs: 20 + r() * 30 });
    root.child(`e${e}.load`, { atMs: 1, durMs: 5 + r() * 5 }).db(`SELECT * FROM t${e} WHERE id = ${i}`, { durMs: 2 });
    const loop = root.child(`e${e}.items`, { atMs: 12, durMs: 6 });
    for (let j = 0; j < (spread(i, 5000, 600) ? 6 : 1); j++) {
      loop.db(`SELECT * FROM items${e} WHERE id = ${j}`, { atMs: j, durMs: 0.5 });
    }
    root.child(`e${e}.render`, { atMs: 19, durMs: 1 + r() });
  },
  { startMs: T0, everyMs: 700 },
);
const engine = new InsightEngine();
let t = process.hrtime.bigint();
for (const tr of all) {
  engine.observeTrace(tr);
}
const observeUs = Number(process.hrtime.bigint() - t) / 1000 / all.length;
const reader = new CachedReader(new MemoryReader(all));
const now = T0 + 5000 * 700;
engine.evaluate(reader, now); // warms the reader's cache
const evalMs: number[] = [];
for (let k = 0; k < 10; k++) {
  t = process.hrtime.bigint();
  engine.evaluate(reader, now);
  evalMs.push(Number(process.hrtime.bigint() - t) / 1e6);
}
// The engine's own way: in slices that hand the event loop back (insightsLoop.ts).
const sliced: SliceStats[] = [];

async function slicedRuns(): Promise<void> {
  for (let k = 0; k < 10; k++) {
    const st: SliceStats = { totalMs: 0, busyMs: 0, slices: 0, longestSliceMs: 0 };
    await engine.evaluateSliced(reader, now, SLICE_MS, st);
    sliced.push(st);
  }
}
const insights = engine.insights();
const codeObjects = reader.codeObjects().length;
// "Insights of a file": the keys of 5 endpoints' code objects, answered from the last evaluation.
const fileKeys = new Set(reader.codeObjects().filter((c) => /\be[0-4]\b|\/e[0-4]\//.test(c.id)).map((c) => c.id));
const lookupUs: number[] = [];
for (let k = 0; k < 2000; k++) {
  t = process.hrtime.bigint();
  engine.insights().filter((i) => fileKeys.has(i.codeObject));
  lookupUs.push(Number(process.hrtime.bigint() - t) / 1000);
}

const q = rng(42);
const values = Array.from({ length: 100_000 }, () => Math.exp(2 + 1.2 * Math.sqrt(-2 * Math.log(q() || 1e-12)) * Math.cos(2 * Math.PI * q())));
const d = new DurationDigest();
values.forEach((v) => d.add(v));
const sorted = Float64Array.from(values).sort();
const errs = [0.5, 0.75, 0.95, 0.99, 0.999].map((p) => {
  const exact = sorted[Math.floor(p * (sorted.length - 1))];
  return [p, (Math.abs(d.quantile(p) - exact) / exact) * 100] as const;
});

void slicedRuns().then(() => {
  console.log(`traces kept: ${engine.traceCount}, code objects: ${codeObjects}, insights: ${insights.length}`);
  console.log(`observeTrace: ${observeUs.toFixed(1)} µs/trace (≈10 spans)`);
  console.log(`evaluate (all analyzers): p50 ${pct(evalMs, 0.5).toFixed(1)} ms, max ${Math.max(...evalMs).toFixed(1)} ms`);
  console.log(
    `evaluate in ${SLICE_MS} ms slices: ${pct(sliced.map((x) => x.slices), 0.5)} slices, longest slice p50 ${pct(sliced.map((x) => x.longestSliceMs), 0.5).toFixed(1)} ms, max ${Math.max(...sliced.map((x) => x.longestSliceMs)).toFixed(1)} ms`,
  );
  console.log(`insights of a file (${fileKeys.size} keys): p50 ${pct(lookupUs, 0.5).toFixed(1)} µs, p99 ${pct(lookupUs, 0.99).toFixed(1)} µs`);
  console.log(`DDSketch vs exact on 100k log-normal samples, relative error: ${errs.map(([p, e]) => `q${p} ${e.toFixed(3)}%`).join(', ')}`);
});
