#!/usr/bin/env node
// Decoding alone, in this process on one core, over the same SDK-made bodies the ingest bench
// replays: the engine's OTLP protobuf and JSON decoders against the baseline, protobufjs generic
// `decode` + `toObject` (the static module generated from the official .proto files, shipped by
// @opentelemetry/otlp-transformer 0.216 and installed as the test-only devDependency
// `otlp-transformer-ref`), and JSON.parse for the JSON bodies. Prints one JSON line: spans per
// CPU-second of each.
//   node bench/decodeBaseline.mjs [--seconds 3]   (bench:decode is the ingest decoder's own, finer bench)
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { bundled } from './lib/bundle.mjs';
import { captureExports } from './lib/payloads.mjs';

const require = createRequire(import.meta.url);
// The engine's decoders as they ship (bundled); the baseline is protobufjs's own module.
const { decodeTraceRequestProto } = await bundled('src/engine/otlp/protoDecoder.ts');
const { decodeTraceRequestJson } = await bundled('src/engine/otlp/jsonDecoder.ts');
const { refDecodeToObject } = require('../out/test/unit/ingest/reference.js');

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Spans per CPU-second of each of `fns` over all bodies. CPU time, not wall time: on a shared machine
 * the figure is what one core does, whatever else runs. After a warm-up of each, the functions take
 * turns for `ROUNDS` rounds of `seconds / ROUNDS` each, and the median round is reported with the
 * range: protobufjs's rate moves with V8's heap sizing (2× between runs when it was measured once),
 * and taking turns puts every candidate under the same conditions.
 */
const ROUNDS = 5;
function rates(bodies, fns) {
  const pass = (fn) => {
    let spans = 0;
    for (const b of bodies) {
      spans += fn(b.bytes);
    }
    return spans;
  };
  const timed = (fn, ms) => {
    let spans = 0;
    const t0 = performance.now();
    const c0 = cpuMs();
    while (performance.now() - t0 < ms) {
      spans += pass(fn);
    }
    return spans / ((cpuMs() - c0) / 1000);
  };
  const rounds = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (const fn of Object.values(fns)) {
    timed(fn, 500);
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, fn] of Object.entries(fns)) {
      rounds[k].push(timed(fn, (seconds * 1000) / ROUNDS));
    }
  }
  return Object.fromEntries(
    Object.entries(rounds).map(([k, v]) => {
      const sorted = [...v].sort((a, b) => a - b);
      return [k, { median: sorted[ROUNDS >> 1], min: sorted[0], max: sorted[ROUNDS - 1] }];
    }),
  );
}

const spansOf = (o) => {
  let n = 0;
  for (const rs of o.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      n += ss.spans.length;
    }
  }
  return n;
};

export async function decodeBench() {
  const proto = await captureExports('proto', { traces: 1024 });
  const json = await captureExports('json', { traces: 1024 });
  const check = (n, b) => {
    if (n !== b.spans) {
      throw new Error(`decoder returned ${n} spans, the body has ${b.spans}`);
    }
  };
  for (const b of proto.bodies) {
    check(decodeTraceRequestProto(b.bytes).spans.length, b);
  }
  for (const b of json.bodies) {
    check(decodeTraceRequestJson(b.bytes).spans.length, b);
  }
  const bodyBytes = proto.bodies.reduce((n, b) => n + b.bytes.length, 0);
  const p = rates(proto.bodies, {
    baselineProtobufjs: (bytes) => spansOf(refDecodeToObject(bytes)),
    engineProto: (bytes) => decodeTraceRequestProto(bytes).spans.length,
  });
  // Baseline for JSON: parsing the same bodies with JSON.parse, nothing else.
  const j = rates(json.bodies, {
    engineJson: (bytes) => decodeTraceRequestJson(bytes).spans.length,
    jsonParse: (bytes) => spansOf(JSON.parse(bytes.toString('utf8'))),
  });
  const all = { ...p, ...j };
  return {
    spansPerBody: proto.bodies[0].spans,
    protoBytesPerSpan: bodyBytes / proto.spans,
    jsonBytesPerSpan: json.bodies.reduce((n, b) => n + b.bytes.length, 0) / json.spans,
    rounds: ROUNDS,
    ...Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.median])),
    range: all,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await decodeBench()));
  process.exit(0);
}
