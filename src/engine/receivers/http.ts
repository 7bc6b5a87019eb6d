/**
 * OTLP/HTTP receiver: `POST /v1/traces` with `application/x-protobuf` or `application/json`
 * bodies, optionally gzip/deflate compressed, chunked or not. Answers as the OTLP spec says:
 * 200 (empty response or partial success) once the batch is durable, 400 malformed, 413 too
 * large (checked while streaming and after decompression), 415 unsupported content type or
 * encoding, 429/503 with Retry-After when the engine cannot take it, 408 for a body that does not
 * arrive in time. Nothing a client sends can crash it: every failure is answered and logged.
 */
import * as http from 'node:http';
import type * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { MAX_OTLP_BODY_BYTES, OTLP_TRACES_PATH } from '../../shared/constants';
import { GrpcCode, encodeExportResponse, encodeRpcStatus } from '../otlp/response';
import type { OtlpEncoding } from '../otlp/response';
import { errorText, exportTraces, noLog, throttledLog } from './export';
import type { ExportOutcome, ReceiverHandle, ReceiverLog, ReceiverOptions } from './export';
import type { SpanSink } from '../model';

export interface HttpReceiverOptions extends ReceiverOptions {
  /** A request whose body has not fully arrived after this long gets 408 (default 30 s). */
  requestTimeoutMs?: number;
  /**
   * Bytes of request bodies (raw and decompressed) held at once across all requests; past it new
   * data gets 503 with Retry-After, so many large concurrent requests cannot exhaust memory.
   * Default: 4 × maxBodyBytes.
   */
  maxInflightBytes?: number;
}

/** Per-receiver limits and shared state every request handler sees. */
interface Limits {
  maxBody: number;
  budget: MemoryBudget;
  log: ReceiverLog;
}

class MemoryBudget {
  private used = 0;
  constructor(private readonly limit: number) {}

  /** Takes `n` bytes, or throws a 503 failure when that would pass the limit. */
  take(n: number): void {
    if (this.used + n > this.limit) {
      throw new HttpFailure(503, GrpcCode.UNAVAILABLE, 'receiver busy: too many request bytes in flight, retry later', { 'Retry-After': '1' });
    }
    this.used += n;
  }

  give(n: number): void {
    this.used -= n;
  }
}

const CONTENT_TYPES: Record<string, OtlpEncoding> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};
const MEDIA_TYPE: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** Answers to requests Node's parser refuses before they reach the handler (anything else: 400). */
const CLIENT_ERROR_STATUS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
};

type Compression = 'none' | 'gzip' | 'deflate';
const COMPRESSIONS: Record<string, Compression> = { '': 'none', identity: 'none', gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate' };

/** An answer other than 200, with the gRPC code its `google.rpc.Status` body carries. */
class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly grpcCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function startOtlpHttpReceiver(opts: HttpReceiverOptions): Promise<ReceiverHandle> {
  const log = throttledLog(opts.log ?? noLog);
  const maxBody = opts.maxBodyBytes ?? MAX_OTLP_BODY_BYTES;
  const limits: Limits = { maxBody, budget: new MemoryBudget(opts.maxInflightBytes ?? 4 * maxBody), log };
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  const server = http.createServer({
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 60_000),
    // How often Node looks for requests past their timeout (its default of 30 s is too coarse).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, requestTimeout / 4)),
    keepAliveTimeout: 5_000,
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res, opts.sink, limits).catch((e: unknown) => {
      log('error', `OTLP/HTTP: unexpected failure: ${errorText(e)}`);
      send(res, 500, 'json', encodeRpcStatus('json', GrpcCode.INTERNAL, 'internal error'));
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    log('debug', `OTLP/HTTP: client error: ${err.code ?? err.message}`);
    if (socket.writable && err.code !== 'ECONNRESET') {
      const status = CLIENT_ERROR_STATUS[err.code ?? ''] ?? '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log('error', `OTLP/HTTP server: ${errorText(e)}`));
  const port = (server.address() as AddressInfo).port;
  log('info', `OTLP/HTTP receiver listening on http://${formatHost(opts.host)}:${port}${OTLP_TRACES_PATH}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Requests in flight get a moment to be stored and answered; idle keep-alive sockets go now.
        const force = setTimeout(() => server.closeAllConnections(), 2_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, sink: SpanSink, limits: Limits): Promise<void> {
  const encoding = requestEncoding(req);
  const held = { bytes: 0 };
  const log = limits.log;
  try {
    const body = await readRequest(req, encoding, limits, held);
    const outcome = await exportTraces(body, encoding ?? 'protobuf', { transport: 'http' }, sink, log);
    answer(res, encoding ?? 'protobuf', outcome);
  } catch (e) {
    if (!(e instanceof HttpFailure)) {
      throw e;
    }
    const replyEncoding = encoding ?? 'json';
    if (e.status >= 500 || e.status === 413) {
      log('warn', `OTLP/HTTP: ${e.status} ${e.message}`);
    }
    if (e.status === 413 || e.status === 503) {
      // Stop the rest of the body politely: drain what is in flight, then close.
      e.headers.Connection = 'close';
      req.resume();
      lingerOnClose(req.socket);
    }
    send(res, e.status, replyEncoding, encodeRpcStatus(replyEncoding, e.grpcCode, e.message), e.headers);
  } finally {
    limits.budget.give(held.bytes);
  }
}

function requestEncoding(req: http.IncomingMessage): OtlpEncoding | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return CONTENT_TYPES[type];
}

/** Checks the request line and headers, then reads and decompresses the body within the limit. */
async function readRequest(req: http.IncomingMessage, encoding: OtlpEncoding | undefined, limits: Limits, held: { bytes: number }): Promise<Buffer> {
  const { maxBody, budget } = limits;
  const path = (req.url ?? '').split('?')[0];
  if (path !== OTLP_TRACES_PATH) {
    throw new HttpFailure(404, GrpcCode.NOT_FOUND, `no such path '${path.slice(0, 200)}': OTLP traces go to POST ${OTLP_TRACES_PATH}`);
  }
  if (req.method !== 'POST') {
    throw new HttpFailure(405, GrpcCode.UNIMPLEMENTED, `method ${req.method ?? ''} not allowed: use POST`, { Allow: 'POST' });
  }
  if (encoding === undefined) {
    const type = req.headers['content-type'];
    throw new HttpFailure(
      415,
      GrpcCode.INVALID_ARGUMENT,
      `unsupported content type '${(type ?? '(none)').slice(0, 100)}': send application/x-protobuf or application/json`,
    );
  }
  const contentEncoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  const compression = COMPRESSIONS[contentEncoding];
  if (compression === undefined) {
    throw new HttpFailure(415, GrpcCode.INVALID_ARGUMENT, `unsupported content encoding '${contentEncoding.slice(0, 100)}': use gzip, deflate or none`);
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBody) {
    throw tooLarge(maxBody);
  }
  const raw = await readBody(req, maxBody, budget, held);
  const body = compression === 'none' ? raw : await decompress(raw, compression, maxBody);
  if (body !== raw) {
    budget.take(body.length);
    held.bytes += body.length;
  }
  limits.log('debug', `OTLP/HTTP: POST ${encoding} ${compression} ${raw.length} → ${body.length} bytes`);
  return body;
}

function tooLarge(maxBody: number): HttpFailure {
  return new HttpFailure(413, GrpcCode.RESOURCE_EXHAUSTED, `request body larger than ${maxBody} bytes (after decompression)`);
}

/** Collects the body, failing as soon as it passes `maxBody` bytes instead of buffering it all. */
function readBody(req: http.IncomingMessage, maxBody: number, budget: MemoryBudget, held: { bytes: number }): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      try {
        if (size > maxBody) {
          throw tooLarge(maxBody);
        }
        budget.take(chunk.length);
        held.bytes += chunk.length;
      } catch (e) {
        req.off('data', onData);
        chunks.length = 0;
        reject(e);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.once('error', (e) => reject(new HttpFailure(400, GrpcCode.INVALID_ARGUMENT, `request body could not be read: ${e.message}`)));
    req.once('close', () => {
      if (!req.complete) {
        reject(new HttpFailure(400, GrpcCode.INVALID_ARGUMENT, 'request aborted by the client'));
      }
    });
  });
}

/** Decompresses off the event loop (zlib's thread pool), bounded by `maxOutputLength`. */
function decompress(raw: Buffer, compression: 'gzip' | 'deflate', maxBody: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const done = (err: Error | null, out: Buffer): void => {
      if (!err) {
        resolve(out);
      } else if (isTooLarge(err)) {
        reject(tooLarge(maxBody));
      } else {
        reject(new HttpFailure(400, GrpcCode.INVALID_ARGUMENT, `invalid ${compression} body: ${err.message}`));
      }
    };
    const options = { maxOutputLength: maxBody };
    if (compression === 'gzip') {
      zlib.gunzip(raw, options, done);
      return;
    }
    // HTTP's `deflate` is zlib-wrapped, but raw deflate is common in the wild: try both.
    zlib.inflate(raw, options, (err, out) => {
      if (err && !isTooLarge(err)) {
        zlib.inflateRaw(raw, options, done);
      } else {
        done(err, out);
      }
    });
  });
}

function isTooLarge(err: Error): boolean {
  return (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

function answer(res: http.ServerResponse, encoding: OtlpEncoding, outcome: ExportOutcome): void {
  switch (outcome.kind) {
    case 'ok':
      send(res, 200, encoding, encodeExportResponse(encoding, outcome.rejected, outcome.rejected > 0 ? outcome.message : undefined));
      return;
    case 'invalid':
      send(res, 400, encoding, encodeRpcStatus(encoding, GrpcCode.INVALID_ARGUMENT, outcome.message));
      return;
    case 'overloaded':
      sendRetry(res, 429, encoding, GrpcCode.RESOURCE_EXHAUSTED, outcome.message, outcome.retryAfterSeconds);
      return;
    case 'unavailable':
      sendRetry(res, 503, encoding, GrpcCode.UNAVAILABLE, outcome.message, outcome.retryAfterSeconds);
      return;
  }
}

/**
 * Lingering close for answers sent while the client is still uploading (413/503). Node closes a
 * `Connection: close` socket as soon as the answer is written; closing with unread request bytes makes
 * the kernel send a reset, which can destroy the answer before the client has read it. Instead: send
 * FIN after the answer, keep discarding what still arrives, and close for good after a short grace.
 */
function lingerOnClose(socket: net.Socket): void {
  const lingering = socket as net.Socket & { destroySoon?: () => void };
  lingering.destroySoon = () => {
    socket.end();
    socket.on('data', () => undefined);
    socket.resume();
    setTimeout(() => socket.destroy(), 2_000).unref();
  };
}

function sendRetry(res: http.ServerResponse, status: number, encoding: OtlpEncoding, code: number, message: string, retryAfterSeconds: number): void {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  send(res, status, encoding, encodeRpcStatus(encoding, code, message, seconds), { 'Retry-After': String(seconds) });
}

function send(res: http.ServerResponse, status: number, encoding: OtlpEncoding, body: Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  res.writeHead(status, { 'Content-Type': MEDIA_TYPE[encoding], 'Content-Length': String(body.length), ...headers });
  res.end(body);
}

export function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
