/**
 * What the receivers answer: `ExportTraceServiceResponse` (empty, or with `partial_success`) and
 * error bodies as `google.rpc.Status`, each in protobuf or OTLP/JSON.
 */

export type OtlpEncoding = 'protobuf' | 'json';

/** gRPC status codes used in `google.rpc.Status` bodies and gRPC answers. */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** `ExportTraceServiceResponse`: empty when nothing was rejected. */
export function encodeExportResponse(encoding: OtlpEncoding, rejectedSpans: number, errorMessage?: string): Buffer {
  const partial = rejectedSpans > 0 || (errorMessage !== undefined && errorMessage !== '');
  if (encoding === 'json') {
    const body = partial ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage: errorMessage ?? '' } } : {};
    return Buffer.from(JSON.stringify(body));
  }
  if (!partial) {
    return Buffer.alloc(0);
  }
  // ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
  const inner = new ProtoWriter();
  if (rejectedSpans > 0) {
    inner.tag(1, 0).varint(rejectedSpans);
  }
  if (errorMessage) {
    inner.tag(2, 2).bytes(Buffer.from(errorMessage, 'utf8'));
  }
  return new ProtoWriter().tag(1, 2).bytes(inner.finish()).finish();
}

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * `google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3; }` for an
 * error answer; with `retryAfterSeconds` it carries a `google.rpc.RetryInfo` detail, which is how
 * OTLP tells a client when to retry a throttled request.
 */
export function encodeRpcStatus(encoding: OtlpEncoding, code: number, message: string, retryAfterSeconds?: number): Buffer {
  const retry = retryAfterSeconds === undefined ? undefined : Math.max(0, Math.ceil(retryAfterSeconds));
  if (encoding === 'json') {
    const details = retry === undefined ? [] : [{ '@type': RETRY_INFO_TYPE, retryDelay: `${retry}s` }];
    return Buffer.from(JSON.stringify({ code, message, details }));
  }
  const w = new ProtoWriter();
  if (code !== 0) {
    w.tag(1, 0).varint(code);
  }
  if (message) {
    w.tag(2, 2).bytes(Buffer.from(message, 'utf8'));
  }
  if (retry !== undefined) {
    // RetryInfo { Duration retry_delay = 1; }, Duration { int64 seconds = 1; }
    const duration = new ProtoWriter().tag(1, 0).varint(retry).finish();
    const retryInfo = new ProtoWriter().tag(1, 2).bytes(duration).finish();
    // Any { string type_url = 1; bytes value = 2; }
    const any = new ProtoWriter().tag(1, 2).bytes(Buffer.from(RETRY_INFO_TYPE)).tag(2, 2).bytes(retryInfo).finish();
    w.tag(3, 2).bytes(any);
  }
  return w.finish();
}

/** Just enough of a protobuf writer for the small response messages above. */
class ProtoWriter {
  private readonly parts: Buffer[] = [];

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** Non-negative integers up to 2^53. */
  varint(value: number): this {
    const bytes: number[] = [];
    let v = value;
    while (v >= 0x80) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  bytes(data: Buffer): this {
    this.varint(data.length);
    this.parts.push(data);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}
