// Load drivers: replay captured SDK bodies to the engine over loopback, OTLP/HTTP with several
// keep-alive connections or OTLP/gRPC with several concurrent calls on one channel. Every request
// carries fresh trace ids (see payloads.mjs `withRound`); a request is counted only when the engine
// acknowledged it (200 / gRPC OK), which it does once the batch is durable and aggregated.
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { withRound } from './payloads.mjs';

const require = createRequire(import.meta.url);

/**
 * Sends `requests` bodies (cycling through `capture.bodies`, a new trace-id round per cycle) with
 * `concurrency` requests in flight. `send(bytes)` resolves when acknowledged. Returns counts and
 * wall time. Overload answers (429/503/UNAVAILABLE) are retried after a short pause and counted.
 */
async function drive(capture, { requests, concurrency, roundBase = 0 }, send) {
  let next = 0;
  let spans = 0;
  let retries = 0;
  const n = capture.bodies.length;
  const t0 = performance.now();
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= requests) {
        return;
      }
      const body = capture.bodies[i % n];
      const bytes = withRound(capture.kind, body, roundBase + Math.floor(i / n) + 1);
      for (;;) {
        const r = await send(bytes);
        if (r === 'ok') {
          break;
        }
        retries++;
        await new Promise((res) => setTimeout(res, 20));
      }
      spans += body.spans;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests, spans, retries, wallMs: performance.now() - t0 };
}

/** OTLP/HTTP replay (`application/x-protobuf` or `application/json`) over keep-alive connections. */
export async function replayHttp(port, capture, opts) {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const send = (bytes) =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': capture.contentType, 'content-length': bytes.length } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode === 200) {
              resolve('ok');
            } else if (res.statusCode === 429 || res.statusCode === 503) {
              resolve('retry');
            } else {
              reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`));
            }
          });
        },
      );
      req.on('error', reject);
      req.end(bytes);
    });
  try {
    return await drive(capture, opts, send);
  } finally {
    agent.destroy();
  }
}

/** OTLP/gRPC replay: the same protobuf bytes as `TraceService/Export` messages, sent as they are. */
export async function replayGrpc(port, capture, opts) {
  const grpc = require('@grpc/grpc-js');
  const raw = (b) => b;
  const Client = grpc.makeGenericClientConstructor(
    {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    'TraceService',
  );
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const send = (bytes) =>
    new Promise((resolve, reject) => {
      client.Export(bytes, (err) => {
        if (!err) {
          resolve('ok');
        } else if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.RESOURCE_EXHAUSTED) {
          resolve('retry');
        } else {
          reject(err);
        }
      });
    });
  try {
    return await drive(capture, opts, send);
  } finally {
    client.close();
  }
}
