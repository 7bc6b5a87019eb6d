/**
 * OTLP/gRPC receiver: `opentelemetry.proto.collector.trace.v1.TraceService/Export` on
 * @grpc/grpc-js, with a hand-written service definition whose (de)serializers pass the raw bytes
 * through, so the engine's own protobuf decoder reads them (grpc-js handles framing and gzip).
 * Malformed → INVALID_ARGUMENT; overloaded → RESOURCE_EXHAUSTED with a RetryInfo detail; a failing
 * store → UNAVAILABLE; the answer is sent only once the batch is durable.
 */
import * as grpc from '@grpc/grpc-js';
import { MAX_OTLP_BODY_BYTES } from '../../shared/constants';
import { GrpcCode, encodeExportResponse, encodeRpcStatus } from '../otlp/response';
import { errorText, exportTraces, noLog, throttledLog } from './export';
import type { ReceiverHandle, ReceiverLog, ReceiverOptions } from './export';
import { formatHost } from './http';

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

const passThrough = (b: Buffer): Buffer => b;

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
