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
import { captureExports } from './lib/payloads.mjs';

const require = createRequire(import.meta.url);
const { decodeTraceRequestProto } = require('../out/src/engine/otlp/protoDecoder.js');
const { decodeTraceRequestJson } = require('../out/src/engine/otlp/jsonDecoder.js');
const { refDecodeToObject } = require('../out/test/unit/ingest/reference.js');

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Spans per CPU-second of `fn` over all bodies, run for about `seconds` after a warm-up. CPU time,
 * not wall time: on a shared machine the figure is what one core does, whatever else runs.
 */
function rate(bodies, fn) {
  const pass = () => {
    let spans = 0;
    for (const b of bodies) {
      spans += fn(b.bytes);
    }
    return spans;
  };
  const warm = performance.now();
  while (performance.now() - warm < 500) {
    pass();
  }
  let spans = 0;
  const t0 = performance.now();
  const c0 = cpuMs();
  while (performance.now() - t0 < seconds * 1000) {
    spans += pass();
  }
  return spans / ((cpuMs() - c0) / 1000);
}

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
  return {
    spansPerBody: proto.bodies[0].spans,
    protoBytesPerSpan: bodyBytes / proto.spans,
    jsonBytesPerSpan: json.bodies.reduce((n, b) => n + b.bytes.length, 0) / json.spans,
    baselineProtobufjs: rate(proto.bodies, (bytes) => {
      const o = refDecodeToObject(bytes);
      let n = 0;
      for (const rs of o.resourceSpans) {
        for (const ss of rs.scopeSpans) {
          n += ss.spans.length;
        }
      }
      return n;
    }),
    engineProto: rate(proto.bodies, (bytes) => decodeTraceRequestProto(bytes).spans.length),
    engineJson: rate(json.bodies, (bytes) => decodeTraceRequestJson(bytes).spans.length),
    // Baseline for JSON: parsing the same bodies with JSON.parse, nothing else.
    jsonParse: rate(json.bodies, (bytes) => {
      const o = JSON.parse(bytes.toString('utf8'));
      let n = 0;
      for (const rs of o.resourceSpans) {
        for (const ss of rs.scopeSpans) {
          n += ss.spans.length;
        }
      }
      return n;
    }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await decodeBench()));
  process.exit(0);
}
