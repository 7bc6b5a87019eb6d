/**
 * The part of an OTLP Export call both receivers share: decode the message, hand the batch to the
 * sink, wait until it is durable, and classify what went wrong, so HTTP and gRPC map the same
 * outcome to their own status codes.
 */
import { DecodeError, OverloadedError } from '../model';
import type { IngestOrigin, SpanBatch, SpanSink } from '../model';
import { decodeTraceRequestJsonSliced } from '../otlp/jsonDecoder';
import { decodeTraceRequestProtoSliced } from '../otlp/protoDecoder';
import type { OtlpEncoding } from '../otlp/response';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type ReceiverLog = (level: LogLevel, message: string) => void;

export interface ReceiverOptions {
  /** Interface to bind; keep the loopback default unless the user asked otherwise. */
  host: string;
  /** 0 picks a free port; the handle reports the real one. */
  port: number;
  sink: SpanSink;
  /** Largest message after decompression (default 64 MiB). */
  maxBodyBytes?: number;
  /** OTLP/HTTP only: a request whose headers and body have not fully arrived after this long gets 408 (default 30 s). */
  requestTimeoutMs?: number;
  log?: ReceiverLog;
}

export interface ReceiverHandle {
  port: number;
  close(): Promise<void>;
}

export type ExportOutcome =
  | { kind: 'ok'; accepted: number; rejected: number; message?: string }
  /** The message is malformed: HTTP 400 / INVALID_ARGUMENT, never retried. */
  | { kind: 'invalid'; message: string }
  /** The sink is over its bound: HTTP 429 / RESOURCE_EXHAUSTED, retried after `retryAfterSeconds`. */
  | { kind: 'overloaded'; message: string; retryAfterSeconds: number }
  /** The sink failed: HTTP 503 / UNAVAILABLE, retried. */
  | { kind: 'unavailable'; message: string; retryAfterSeconds: number };

export const noLog: ReceiverLog = () => undefined;

/**
 * A misbehaving client can send thousands of bad requests a minute: pass on at most `perMinute`
 * lines per level (debug excepted), then one line saying how many were left out.
 */
export function throttledLog(log: ReceiverLog, perMinute = 20, now: () => number = Date.now): ReceiverLog {
  const windows = new Map<LogLevel, { start: number; count: number; dropped: number }>();
  return (level, message) => {
    if (level === 'debug') {
      log(level, message);
      return;
    }
    const t = now();
    let w = windows.get(level);
    if (w === undefined || t - w.start >= 60_000) {
      if (w !== undefined && w.dropped > 0) {
        log(level, `${w.dropped} similar ${level} message(s) left out in the last minute`);
      }
      w = { start: t, count: 0, dropped: 0 };
      windows.set(level, w);
    }
    if (w.count < perMinute) {
      w.count++;
      log(level, message);
    } else {
      w.dropped++;
    }
  };
}

/** Decodes (in time slices) without ever throwing: malformed input becomes an `invalid` outcome. */
export async function decodeExport(body: Buffer, encoding: OtlpEncoding): Promise<SpanBatch | { invalid: string }> {
  try {
    const batch = encoding === 'json' ? await decodeTraceRequestJsonSliced(body) : await decodeTraceRequestProtoSliced(body);
    batch.source = { encoding, bytes: body };
    return batch;
  } catch (e) {
    // A DecodeError carries its reason; anything else thrown on input is still the input's fault.
    return { invalid: e instanceof DecodeError ? e.message : `malformed request: ${String(e)}` };
  }
}

/** Decode → ingest → outcome. Resolves only once the sink has made the batch durable. */
export async function exportTraces(
  body: Buffer,
  encoding: OtlpEncoding,
  origin: IngestOrigin,
  sink: SpanSink,
  log: ReceiverLog,
): Promise<ExportOutcome> {
  const decoded = await decodeExport(body, encoding);
  if ('invalid' in decoded) {
    log('warn', `OTLP/${origin.transport} ${encoding}: rejected a malformed request (${body.length} bytes): ${decoded.invalid}`);
    return { kind: 'invalid', message: decoded.invalid };
  }
  if (decoded.spans.length === 0 && decoded.rejected === 0) {
    return { kind: 'ok', accepted: 0, rejected: 0 };
  }
  try {
    const result = await sink.ingest(decoded, origin);
    // The sink counts the decoder's rejections in `rejected`; never report fewer than those.
    const rejected = Math.max(result.rejected, decoded.rejected);
    const message = result.errorMessage ?? decoded.rejectReason;
    if (rejected > 0) {
      log('info', `OTLP/${origin.transport}: ${rejected} span(s) rejected: ${message ?? ''}`);
    }
    return { kind: 'ok', accepted: result.accepted, rejected, message };
  } catch (e) {
    if (e instanceof OverloadedError) {
      log('warn', `OTLP/${origin.transport}: ${e.message}`);
      return { kind: 'overloaded', message: e.message, retryAfterSeconds: e.retryAfterSeconds };
    }
    log('error', `OTLP/${origin.transport}: storing a batch of ${decoded.spans.length} span(s) failed: ${errorText(e)}`);
    return { kind: 'unavailable', message: 'the engine could not store the batch', retryAfterSeconds: 5 };
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
