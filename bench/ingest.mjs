#!/usr/bin/env node
// End-to-end ingest: bodies captured from the real OpenTelemetry JS SDK exporters are replayed to a
// fresh engine process over loopback (OTLP/HTTP protobuf, OTLP/HTTP JSON, OTLP/gRPC), several
// requests in flight. A request counts once the engine answered 200/OK, i.e. once its batch is
// journaled (fdatasync) and applied to the aggregates. Figures per engine CPU-second (the engine is
// one Node process: its main thread plus libuv/GC helpers), so they read as "on one core" even when
// the machine is shared; wall-clock rates are printed beside them.
//   node bench/ingest.mjs [--spans 300000] [--concurrency 8]
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureExports } from './lib/payloads.mjs';
import { replayGrpc, replayHttp } from './lib/load.mjs';
import { cpuSeconds, startEngine, stopEngine } from './lib/engine.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

async function one(transport, capture, { spans, concurrency }) {
  const engine = await startEngine();
  try {
    const port = transport === 'grpc' ? engine.state.otlpGrpcPort : engine.state.otlpHttpPort;
    const replay = transport === 'grpc' ? replayGrpc : replayHttp;
    const perRequest = capture.bodies[0].spans;
    // Warm-up: JIT, SQLite pages, first checkpoint timers.
    await replay(port, capture, { requests: Math.ceil(50_000 / perRequest), concurrency, roundBase: 0 });
    const before = await engine.client.stats();
    const c0 = cpuSeconds(engine.proc.pid);
    const run = await replay(port, capture, { requests: Math.ceil(spans / perRequest), concurrency, roundBase: 1000 });
    const cpu = cpuSeconds(engine.proc.pid) - c0;
    const after = await engine.client.stats();
    const stored = after.spansStored - before.spansStored;
    if (stored !== run.spans) {
      throw new Error(`${transport}: sent ${run.spans} spans, the engine stored ${stored}`);
    }
    return {
      transport,
      spans: run.spans,
      requests: run.requests,
      retries: run.retries,
      wallSeconds: run.wallMs / 1000,
      engineCpuSeconds: cpu,
      spansPerCpuSecond: run.spans / cpu,
      spansPerWallSecond: run.spans / (run.wallMs / 1000),
      maxApplyMs: after.maxApplyMs,
      maxEventLoopDelayMs: after.maxEventLoopDelayMs,
      analysedTraceFraction: after.analysedTraceFraction,
    };
  } finally {
    await stopEngine(engine);
  }
}

/** The same replay to bench/lib/floorServer.mjs: receive, journal, walk the spans' bytes; nothing else. */
async function floor(capture, { spans, concurrency }) {
  const dir = mkdtempSync(join(tmpdir(), 'spanlens-floor-'));
  const proc = spawn(process.execPath, [new URL('./lib/floorServer.mjs', import.meta.url).pathname, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      proc.stdout.on('data', (d) => {
        const m = /PORT (\d+)/.exec(String(d));
        if (m) {
          resolve(Number(m[1]));
        }
      });
      proc.on('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
    });
    const walked = () =>
      new Promise((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/spans' }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(Number(text)));
        }).on('error', reject);
      });
    const perRequest = capture.bodies[0].spans;
    await replayHttp(port, capture, { requests: Math.ceil(50_000 / perRequest), concurrency, roundBase: 0 });
    const before = await walked();
    const c0 = cpuSeconds(proc.pid);
    const run = await replayHttp(port, capture, { requests: Math.ceil(spans / perRequest), concurrency, roundBase: 1000 });
    const cpu = cpuSeconds(proc.pid) - c0;
    if ((await walked()) - before !== run.spans) {
      throw new Error(`floor: sent ${run.spans} spans, the walk counted ${(await walked()) - before}`);
    }
    return { spans: run.spans, engineCpuSeconds: cpu, spansPerCpuSecond: run.spans / cpu, spansPerWallSecond: run.spans / (run.wallMs / 1000) };
  } finally {
    proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function ingestBench({ spans = 300_000, concurrency = 8 } = {}) {
  const proto = await captureExports('proto', { traces: 1024 });
  const json = await captureExports('json', { traces: 1024 });
  return {
    concurrency,
    http: await one('http', proto, { spans, concurrency }),
    json: await one('http', json, { spans, concurrency }),
    grpc: await one('grpc', proto, { spans, concurrency }),
    floor: await floor(proto, { spans, concurrency }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await ingestBench({ spans: arg('--spans', 300_000), concurrency: arg('--concurrency', 8) })));
  process.exit(0);
}
