// Ingest decoding benchmark (not part of npm test):
//   npm run bench:decode            (builds first)
// Payloads are made by the real OpenTelemetry JS SDK serializers (the bytes its exporters send).
// Prints spans/s of the engine's protobuf decoder against the same-run baseline (protobufjs
// generic decode + toObject of the same bytes, the generated module of otlp-transformer 0.216),
// the JSON decoder, OTLP/HTTP end to end into a sink that resolves at once, and the longest
// event-loop block for a 1 MB batch (sync decode, and the sliced decode the receivers use).
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (p) => require(join(root, 'out', p));
const { workloadSpans, serializeSpans } = out('test/support/otelSdk.js');
const { refDecodeToObject } = out('test/unit/ingest/reference.js');

/**
 * The engine code is measured bundled, as it ships in dist/engine.js (out/ is transpiled file by
 * file, where every cross-module call goes through an export getter).
 */
async function bundled(entry) {
  const dir = mkdtempSync(join(tmpdir(), 'spanlens-bench-'));
  const outfile = join(dir, 'bundle.cjs');
  await esbuild.build({ entryPoints: [join(root, entry)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
  try {
    return require(outfile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const { decodeTraceRequestProto, decodeTraceRequestProtoSliced } = await bundled('src/engine/otlp/protoDecoder.ts');
const { decodeTraceRequestJson, decodeTraceRequestJsonSliced } = await bundled('src/engine/otlp/jsonDecoder.ts');
const { startOtlpHttpReceiver } = await bundled('src/engine/receivers/http.ts');

const quick = process.argv.includes('--quick');
const SPANS_TARGET = quick ? 100_000 : 400_000;

/** Payloads of about `spansPerBatch` spans each, from the SDK workload. */
async function payloads(spansPerBatch, encoding) {
  const spans = await workloadSpans({ traces: Math.ceil(spansPerBatch / 12) + 1, seed: 3 });
  return serializeSpans(encoding, spans.slice(0, spansPerBatch));
}

/** CPU seconds (user + system) this process used since `from`: robust against other load. */
function cpuSeconds(from) {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

/** Runs `fn(payload)` until SPANS_TARGET spans went through; returns spans per CPU second (best of 3). */
function rate(payload, spansPer, fn) {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const n = Math.ceil(SPANS_TARGET / spansPer);
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      fn(payload);
    }
    best = Math.max(best, (n * spansPer) / cpuSeconds(c0));
  }
  return best;
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}

const rows = [];
const row = (what, value, note = '') => {
  rows.push([what, value, note]);
  console.log(`${what.padEnd(58)} ${String(value).padStart(14)}  ${note}`);
};

console.log(`node ${process.version}, ${SPANS_TARGET} spans per measurement, best of 3; rates are per CPU second of this process`);
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores (wall-clock figures below suffer from other load)\n`);

// 1. decode throughput on exporter-sized batches (512 spans, the SDK's default batch size)
const proto512 = await payloads(512, 'protobuf');
const json512 = await payloads(512, 'json');
const protoSpans = decodeTraceRequestProto(proto512).spans.length;
console.log(`batch: ${protoSpans} spans, protobuf ${fmt(proto512.length)} B (${Math.round(proto512.length / protoSpans)} B/span), JSON ${fmt(json512.length)} B\n`);
for (let i = 0; i < 200; i++) {
  decodeTraceRequestProto(proto512);
  refDecodeToObject(proto512);
  decodeTraceRequestJson(json512);
}
const ours = rate(proto512, protoSpans, decodeTraceRequestProto);
const baseline = rate(proto512, protoSpans, refDecodeToObject);
row('protobuf decode → spans (engine decoder), spans/s', fmt(ours));
row('protobuf baseline: protobufjs decode + toObject, spans/s', fmt(baseline), `engine is ${(ours / baseline).toFixed(1)}× the baseline`);
const jsonRate = rate(json512, protoSpans, decodeTraceRequestJson);
const parseOnly = rate(json512, protoSpans, (b) => JSON.parse(Buffer.from(b).toString('utf8')));
row('OTLP/JSON decode → spans (JSON.parse + walk), spans/s', fmt(jsonRate), `JSON.parse alone: ${fmt(parseOnly)}/s`);

// 2. longest event-loop block for a 1 MB batch
const proto1m = await payloads(Math.round((1024 * 1024) / (proto512.length / protoSpans)), 'protobuf');
const json1m = await payloads(decodeTraceRequestProto(proto1m).spans.length, 'json');
const blockSync = (fn, payload) => {
  let worst = 0;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    fn(payload);
    worst = Math.max(worst, performance.now() - t0);
  }
  return worst;
};
const blockSliced = async (fn, payload) => {
  const h = monitorEventLoopDelay({ resolution: 1 });
  // A timer that keeps asking for turns, so a blocked loop shows up as delay.
  const tick = setInterval(() => undefined, 1);
  h.enable();
  for (let i = 0; i < 10; i++) {
    await fn(payload);
  }
  h.disable();
  clearInterval(tick);
  return h.max / 1e6;
};
const n1m = decodeTraceRequestProto(proto1m).spans.length;
row(`1 MB protobuf batch (${n1m} spans): sync decode, worst ms`, blockSync(decodeTraceRequestProto, proto1m).toFixed(1));
row('1 MB protobuf batch: sliced decode, max event-loop delay ms', (await blockSliced(decodeTraceRequestProtoSliced, proto1m)).toFixed(1));
row(`same spans as JSON (${fmt(json1m.length)} B): sync decode, worst ms`, blockSync(decodeTraceRequestJson, json1m).toFixed(1));
row('same spans as JSON: sliced decode, max event-loop delay ms', (await blockSliced(decodeTraceRequestJsonSliced, json1m)).toFixed(1), 'JSON.parse itself is one block');

// 3. OTLP/HTTP end to end (request → decoded batch in a sink that resolves at once)
let received = 0;
const sink = { ingest: async (batch) => ((received += batch.spans.length), { accepted: batch.spans.length, rejected: 0 }) };
const receiver = await startOtlpHttpReceiver({ host: '127.0.0.1', port: 0, sink });
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const post = (body, type) =>
  new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: receiver.port, method: 'POST', path: '/v1/traces', agent, headers: { 'Content-Type': type } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
async function httpRate(body, type) {
  const requests = Math.ceil(SPANS_TARGET / protoSpans);
  received = 0;
  const c0 = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next++ < requests) {
        await post(body, type);
      }
    }),
  );
  return received / cpuSeconds(c0);
}
await httpRate(proto512, 'application/x-protobuf');
row('OTLP/HTTP protobuf end to end (4 keep-alive clients), spans/s', fmt(await httpRate(proto512, 'application/x-protobuf')), 'per CPU s of client + server (one process)');
row('OTLP/HTTP JSON end to end (4 keep-alive clients), spans/s', fmt(await httpRate(json512, 'application/json')));
agent.destroy();
await receiver.close();
