// Ingest decoding benchmark (not part of npm test):
//   npm run bench:decode            (builds first)
// Payloads are made by the real OpenTelemetry JS SDK serializers (the bytes its exporters send).
// Prints spans/s of the engine's protobuf decoder against the same-run baseline (protobufjs
// generic decode + toObject of the same bytes, the generated module of otlp-transformer 0.216),
// the JSON decoder, OTLP/HTTP end to end into a sink that resolves at once, and the longest
// event-loop block for a 1 MB batch (sync decode, and the sliced decode the receivers use).
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from './lib/bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (p) => require(join(root, 'out', p));
const { workloadSpans, serializeSpans } = out('test/support/otelSdk.js');
const { refDecodeToObject } = out('test/unit/ingest/reference.js');

const { decodeTraceRequestProto, decodeTraceRequestProtoSliced } = await bundled('src/engine/otlp/protoDecoder.ts');
const { decodeTraceRequestJson, decodeTraceRequestJsonSliced, parseJson, traceRequestFromJson } = await bundled('src/engine/otlp/jsonDecoder.ts');
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
const generalRate = rate(json512, protoSpans, (b) => traceRequestFromJson(parseJson(b)));
row('OTLP/JSON decode → spans (fast path over the bytes), spans/s', fmt(jsonRate), `JSON.parse alone: ${fmt(parseOnly)}/s`);
row('OTLP/JSON general path (JSON.parse + walk), spans/s', fmt(generalRate), 'taken only for bodies the fast path declines');

// 2. longest event-loop block for a 1 MB batch
const proto1m = await payloads(Math.round((1024 * 1024) / (proto512.length / protoSpans)), 'protobuf');
const json1m = await payloads(decodeTraceRequestProto(proto1m).spans.length, 'json');
/** Longest synchronous decode of the payload: CPU ms (median of 10) and worst wall-clock ms. */
const blockSync = (fn, payload) => {
  const cpu = [];
  let worstWall = 0;
  for (let i = 0; i < 10; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn(payload);
    worstWall = Math.max(worstWall, performance.now() - t0);
    cpu.push(cpuSeconds(c0) * 1000);
  }
  cpu.sort((x, y) => x - y);
  return `${cpu[5].toFixed(1)} CPU / ${worstWall.toFixed(1)} wall`;
};
/**
 * Longest stretch without an event-loop turn while 10 payloads are decoded one after the other
 * (as 10 requests would be): a setImmediate ticker records the gaps between its turns.
 */
const blockSliced = async (fn, payload) => {
  let last = performance.now();
  let worst = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    if (running) {
      setImmediate(tick);
    }
  };
  setImmediate(tick);
  for (let i = 0; i < 10; i++) {
    await fn(payload);
    await new Promise((r) => setImmediate(r));
  }
  running = false;
  return worst;
};
const n1m = decodeTraceRequestProto(proto1m).spans.length;
row(`1 MB protobuf batch (${n1m} spans): sync decode, ms`, blockSync(decodeTraceRequestProto, proto1m));
row('1 MB protobuf batch: sliced decode, longest loop block ms', (await blockSliced(decodeTraceRequestProtoSliced, proto1m)).toFixed(1), 'wall clock');
row(`same spans as JSON (${fmt(json1m.length)} B): sync decode, ms`, blockSync(decodeTraceRequestJson, json1m));
row('same spans as JSON: sliced decode, longest loop block ms', (await blockSliced(decodeTraceRequestJsonSliced, json1m)).toFixed(1), 'wall clock (the fast path parses in slices too)');
// A big body (8 of those batches in one request): the fast path keeps its slices; JSON.parse alone is one block.
const parsed1m = JSON.parse(Buffer.from(json1m).toString('utf8'));
const json8m = Buffer.from(JSON.stringify({ resourceSpans: Array.from({ length: 8 }, () => parsed1m.resourceSpans).flat() }));
row(`JSON body of ${fmt(json8m.length)} B: sliced decode, longest loop block ms`, (await blockSliced(decodeTraceRequestJsonSliced, json8m)).toFixed(1), 'wall clock');
row('  same body, JSON.parse alone (general path), ms', blockSync((b) => JSON.parse(b.toString('utf8')), json8m));

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
