// Request bodies made by the real OpenTelemetry JS SDK: the OTLP/HTTP exporters (protobuf and JSON)
// post the workload of test/support/otelSdk.ts to a capture server on loopback; the bytes they sent
// are kept and replayed by the load drivers. Trace ids are located once so every replay round can
// give its copy fresh trace ids (the engine sees new traces, not the same ones again).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sdk = require('../../out/test/support/otelSdk.js');

/** Starts a loopback server that answers 200 and keeps every POST body. */
async function captureServer() {
  const bodies = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      bodies.push({ contentType: String(req.headers['content-type']), body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': String(req.headers['content-type']) });
      res.end(req.headers['content-type'] === 'application/json' ? '{}' : '');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { bodies, url: `http://127.0.0.1:${server.address().port}/v1/traces`, close: () => new Promise((r) => {
      server.close(r);
      server.closeAllConnections();
    }) };
}

/**
 * Captures what the SDK's exporter of `kind` ('proto' | 'json') sends for `spans` (finished SDK
 * spans; default: `traces` traces of the otelSdk workload) in export calls of `batchSize` spans (the
 * BatchSpanProcessor's default is 512).
 */
export async function captureExports(kind, { traces, spans, batchSize = 512, seed = 7, startMs = Date.now() - 10 * 60_000 }) {
  const finished = spans ?? (await sdk.workloadSpans({ traces, seed, startMs }));
  const cap = await captureServer();
  const exporter = sdk.makeExporter(kind, cap.url);
  const spansPerBody = [];
  try {
    for (let i = 0; i < finished.length; i += batchSize) {
      const batch = finished.slice(i, i + batchSize);
      await sdk.exportSpans(exporter, batch);
      spansPerBody.push(batch.length);
    }
  } finally {
    await exporter.shutdown();
    await cap.close();
  }
  if (cap.bodies.length !== spansPerBody.length) {
    throw new Error(`expected ${spansPerBody.length} exports, captured ${cap.bodies.length}`);
  }
  const summary = sdk.summarize(finished);
  return {
    kind,
    contentType: cap.bodies[0].contentType,
    bodies: cap.bodies.map((b, i) => ({ bytes: b.body, spans: spansPerBody[i], traceIdAt: traceIdOffsets(kind, b.body, summary.traceIds) })),
    spans: summary.spans,
    traceIds: summary.traceIds,
  };
}

/** Offsets of the last 4 bytes (protobuf) or the last 8 hex digits (JSON) of every trace id. */
function traceIdOffsets(kind, body, traceIds) {
  const out = [];
  if (kind === 'json') {
    const text = body.toString('latin1');
    for (const id of traceIds) {
      for (let at = text.indexOf(id); at >= 0; at = text.indexOf(id, at + 32)) {
        out.push(at + 24);
      }
    }
  } else {
    const ids = new Set(traceIds);
    // Span.trace_id and Link.trace_id are both field 1, length 16: bytes 0x0a 0x10.
    for (let i = 1; i + 17 <= body.length; i++) {
      if (body[i] === 0x10 && body[i - 1] === 0x0a && ids.has(body.toString('hex', i + 1, i + 17))) {
        out.push(i + 13);
      }
    }
  }
  return Int32Array.from(out);
}

/** A copy of `body` whose trace ids are unique to `round` (xor of their last 32 bits). */
export function withRound(kind, body, round) {
  const bytes = Buffer.from(body.bytes);
  if (round === 0) {
    return bytes;
  }
  for (const at of body.traceIdAt) {
    if (kind === 'json') {
      const v = (parseInt(bytes.toString('latin1', at, at + 8), 16) ^ round) >>> 0;
      bytes.write(v.toString(16).padStart(8, '0'), at, 'latin1');
    } else {
      bytes.writeUInt32BE((bytes.readUInt32BE(at) ^ round) >>> 0, at);
    }
  }
  return bytes;
}
