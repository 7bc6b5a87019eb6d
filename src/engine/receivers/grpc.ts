/**
 * OTLP/gRPC receiver: `opentelemetry.proto.collector.trace.v1.TraceService/Export` on
 * @grpc/grpc-js, with a hand-written service definition whose (de)serializers pass the raw bytes
 * through, so the engine's own protobuf decoder reads them (grpc-js handles framing and gzip).
 * Malformed → INVALID_ARGUMENT; overloaded → RESOURCE_EXHAUSTED with a RetryInfo detail; a failing
 * store → UNAVAILABLE; the answer is sent only once the batch is durable. The HTTP/2 receive windows
 * are raised from Node's 64 KiB (see `widenReceiveWindows`).
 */
import * as grpc from '@grpc/grpc-js';
import { EventEmitter } from 'node:events';
import type { ServerHttp2Session } from 'node:http2';
import { MAX_OTLP_BODY_BYTES } from '../../shared/constants';
import { GrpcCode, encodeExportResponse, encodeRpcStatus } from '../otlp/response';
import { errorText, exportTraces, noLog, throttledLog } from './export';
import type { ReceiverHandle, ReceiverLog, ReceiverOptions } from './export';
import { formatHost } from './http';

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

const passThrough = (b: Buffer): Buffer => b;

/**
 * HTTP/2 receive windows (flow control) of every connection. Node's and so grpc-js's server default
 * is 64 KiB per connection and per stream, and grpc-js has no server option to change it (the
 * client's `grpc-node.flow_control_window` is not read by the server: grpc/grpc-node#3058). With
 * several Export calls of a few hundred KB in flight on one connection (an OpenTelemetry Collector
 * forwarding, or one exporter with concurrent exports), the client then trickles them in as small
 * DATA frames between WINDOW_UPDATEs, ~0.25 ms more engine CPU per call (docs/performance.md).
 * gRPC-Java's server uses 1 MiB; gRPC-Go grows its windows from 64 KiB as it measures the link.
 * The connection window bounds what one client can have buffered in the engine beyond what it has
 * read.
 */
export const GRPC_STREAM_WINDOW_BYTES = 1024 * 1024;
export const GRPC_CONNECTION_WINDOW_BYTES = 4 * 1024 * 1024;

/** The TraceService with raw-bytes serializers (no .proto loading, no protobufjs). */
export const traceServiceDefinition: grpc.ServiceDefinition = {
  Export: {
    path: TRACE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  },
};

export async function startOtlpGrpcReceiver(opts: ReceiverOptions): Promise<ReceiverHandle> {
  const log = throttledLog(opts.log ?? noLog);
  const maxBody = opts.maxBodyBytes ?? MAX_OTLP_BODY_BYTES;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxBody,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
    // Channelz (gRPC's introspection service) is not served here; off, calls skip its per-call counters.
    'grpc.enable_channelz': 0,
  });
  server.addService(traceServiceDefinition, {
    Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      handleExport(call.request, callback, opts, log).catch((e: unknown) => {
        log('error', `OTLP/gRPC: unexpected failure: ${errorText(e)}`);
        callback({ code: grpc.status.INTERNAL, details: 'internal error' });
      });
    },
  });
  const address = `${formatHost(opts.host)}:${opts.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, boundPort) => (err ? reject(err) : resolve(boundPort)));
  });
  widenReceiveWindows(server, log);
  log('info', `OTLP/gRPC receiver listening on ${formatHost(opts.host)}:${port}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Give calls in flight a moment to finish (they resolve once durable), then cut the rest.
        const force = setTimeout(() => server.forceShutdown(), 2_000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

/**
 * Sets `GRPC_CONNECTION_WINDOW_BYTES` / `GRPC_STREAM_WINDOW_BYTES` on each new HTTP/2 session with
 * Node's public `Http2Session` API. grpc-js exposes neither its HTTP/2 servers nor their sessions:
 * its listening servers are read from the `http2Servers` map the `grpc.Server` keeps (no grpc-js
 * code is replaced or wrapped; a 'session' listener is added beside its own). Should a grpc-js
 * version keep them elsewhere, the windows stay at 64 KiB — slower, still correct — and the receiver
 * test on the advertised windows fails. A connection accepted before `bindAsync` called back keeps
 * the default windows.
 */
function widenReceiveWindows(server: grpc.Server, log: ReceiverLog): void {
  const servers: unknown = Reflect.get(server, 'http2Servers');
  const found = servers instanceof Map ? [...servers.keys()].filter((s): s is EventEmitter => s instanceof EventEmitter) : [];
  if (found.length === 0) {
    log('debug', 'OTLP/gRPC: HTTP/2 server not found, receive windows stay at 64 KiB');
  }
  for (const h2 of found) {
    h2.on('session', (session: ServerHttp2Session) => {
      try {
        session.setLocalWindowSize(GRPC_CONNECTION_WINDOW_BYTES);
        session.settings({ initialWindowSize: GRPC_STREAM_WINDOW_BYTES });
      } catch (e) {
        // The session was already closed or destroyed: nothing to widen.
        log('debug', `OTLP/gRPC: receive windows not set: ${errorText(e)}`);
      }
    });
  }
}

async function handleExport(request: Buffer, callback: grpc.sendUnaryData<Buffer>, opts: ReceiverOptions, log: ReceiverLog): Promise<void> {
  const outcome = await exportTraces(request, 'protobuf', { transport: 'grpc' }, opts.sink, log);
  switch (outcome.kind) {
    case 'ok':
      callback(null, encodeExportResponse('protobuf', outcome.rejected, outcome.rejected > 0 ? outcome.message : undefined));
      return;
    case 'invalid':
      callback({ code: grpc.status.INVALID_ARGUMENT, details: outcome.message });
      return;
    case 'overloaded':
    case 'unavailable': {
      const code = outcome.kind === 'overloaded' ? GrpcCode.RESOURCE_EXHAUSTED : GrpcCode.UNAVAILABLE;
      const metadata = new grpc.Metadata();
      // A RetryInfo detail tells OTLP clients how long to back off.
      metadata.set('grpc-status-details-bin', encodeRpcStatus('protobuf', code, outcome.message, outcome.retryAfterSeconds));
      callback({ code, details: outcome.message, metadata });
      return;
    }
  }
}
