#!/usr/bin/env node
// Query latency: a fresh engine gets 1,000,000 SDK-made spans over OTLP/HTTP for one service whose
// spans map to 200 functions of one file, then `GET /api/v1/insights?file=…` (what the editor asks
// for when a file opens) is timed over many requests, client side over a keep-alive connection.
// Baseline in the same run: `GET /api/v1/health` (the API's fixed cost: HTTP, token, JSON).
// Timed twice: right after the last span (informational) and once the engine settled (the target).
//   node bench/query.mjs [--spans 1000000] [--requests 500]
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { FILE_PATH, FUNCTIONS, fileWorkloadSpans } from './lib/fileWorkload.mjs';
import { captureExports } from './lib/payloads.mjs';
import { replayHttp } from './lib/load.mjs';
import { startEngine, stopEngine } from './lib/engine.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

/** Past the trace idle time (1.5 s), a sweep and a checkpoint (2 s). */
const SETTLE_MS = 4000;

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function timer(state) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = request({ host: '127.0.0.1', port: state.apiPort, path, agent, headers: { authorization: `Bearer ${state.token}` } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          if (res.statusCode !== 200) {
            reject(new Error(`${path}: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`));
          } else {
            resolve({ ms, body: JSON.parse(Buffer.concat(chunks).toString()) });
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
  const series = async (path, n) => {
    for (let i = 0; i < 20; i++) {
      await get(path);
    }
    const ms = [];
    let last;
    for (let i = 0; i < n; i++) {
      const r = await get(path);
      ms.push(r.ms);
      last = r.body;
    }
    ms.sort((a, b) => a - b);
    return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), max: ms[ms.length - 1], last };
  };
  return { series, get, close: () => agent.destroy() };
}

export async function queryBench({ spans = 1_000_000, requests = 500 } = {}) {
  const capture = await captureExports('proto', { spans: await fileWorkloadSpans({ traces: 2000 }) });
  const engine = await startEngine();
  try {
    const perRequest = capture.bodies[0].spans;
    await replayHttp(engine.state.otlpHttpPort, capture, { requests: Math.ceil(spans / perRequest), concurrency: 8 });
    const stats = await engine.client.stats();
    const health = await engine.client.health();
    const inFile = await engine.client.codeObjects({ file: FILE_PATH, limit: 10_000 });
    const t = timer(engine.state);
    try {
      const path = `/api/v1/insights?file=${encodeURIComponent(FILE_PATH)}`;
      // Right after the last span: the engine is still handing on the last traces, evaluating and
      // checkpointing them (informational).
      const during = await t.series(path, requests);
      // Settled: the trace idle time and a checkpoint have passed and one fresh evaluation is done,
      // as when a developer opens a file after the test run that sent the spans (the target).
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      await t.get(`${path}&fresh=1`);
      const insights = await t.series(path, requests);
      const baseline = await t.series('/api/v1/health', requests);
      return {
        spansStored: stats.spansStored,
        codeObjectsInFile: (inFile.codeObjects ?? inFile).length,
        functionsPlanted: FUNCTIONS,
        insightsEngine: Boolean(health.insightsEngine),
        insightsReturned: insights.last.insights.length,
        requests,
        insights: { p50: insights.p50, p99: insights.p99, max: insights.max },
        insightsRightAfterIngest: { p50: during.p50, p99: during.p99, max: during.max },
        health: { p50: baseline.p50, p99: baseline.p99, max: baseline.max },
      };
    } finally {
      t.close();
    }
  } finally {
    await stopEngine(engine);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await queryBench({ spans: arg('--spans', 1_000_000), requests: arg('--requests', 500) })));
  process.exit(0);
}
