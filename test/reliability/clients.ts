/**
 * Raw clients for the reliability tier: HTTP requests whose body is streamed or trickled, plain
 * sockets for malformed requests, and OTLP/gRPC calls framed by hand over node:http2 (so a test
 * can send what no gRPC library would: bad frames, false compression flags, bombs).
 */
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { TRACE_EXPORT_PATH } from '../../src/engine/receivers/grpc';

const LOOPBACK = '127.0.0.1';

export interface StreamOutcome {
  /** HTTP status, or undefined when the server closed the connection without one. */
  status?: number;
  body: string;
  /** Body bytes written before the answer came (or the connection closed). */
  bytesSent: number;
  elapsedMs: number;
}

export interface StreamRequest {
  headers: Record<string, string>;
  /** Stop after this many body bytes (then end the request). */
  totalBytes: number;
  chunk: Buffer;
  /** Pause between chunks (trickle); 0 = as fast as the socket takes them. */
  delayMs?: number;
  /** Give up (and fail) after this long. */
  limitMs: number;
  /** Leave the request open after `totalBytes` (a body shorter than its Content-Length) and wait for the answer. */
  keepOpen?: boolean;
}

/**
 * Writes `chunk` repeatedly (honouring back-pressure) until `totalBytes` are sent or the server
 * answers; an answer before the end stops the upload. Never holds more than one chunk.
 */
export function streamBody(port: number, req: StreamRequest): Promise<StreamOutcome> {
  const started = Date.now();
  return new Promise<StreamOutcome>((resolve, reject) => {
    let sent = 0;
    let settled = false;
    const finish = (o: Omit<StreamOutcome, 'bytesSent' | 'elapsedMs'>): void => {
      if (!settled) {
        settled = true;
        clearTimeout(limit);
        resolve({ ...o, bytesSent: sent, elapsedMs: Date.now() - started });
        r.destroy();
      }
    };
    const limit = setTimeout(() => {
      settled = true;
      r.destroy();
      reject(new Error(`no answer and no close within ${req.limitMs} ms (${sent} bytes sent)`));
    }, req.limitMs);
    const r = http.request({ host: LOOPBACK, port, method: 'POST', path: '/v1/traces', headers: req.headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => finish({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', () => finish({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8') }));
    });
    r.on('error', () => finish({ status: undefined, body: '' }));
    r.on('close', () => setTimeout(() => finish({ status: undefined, body: '' }), 50));
    const pump = (): void => {
      while (!settled && !r.destroyed && sent < req.totalBytes) {
        const piece = sent + req.chunk.length > req.totalBytes ? req.chunk.subarray(0, req.totalBytes - sent) : req.chunk;
        sent += piece.length;
        const more = r.write(piece);
        if (req.delayMs) {
          setTimeout(pump, req.delayMs);
          return;
        }
        if (!more) {
          r.once('drain', pump);
          return;
        }
      }
      if (!settled && !r.destroyed && sent >= req.totalBytes && !req.keepOpen) {
        r.end();
      }
    };
    pump();
  });
}

/** Writes raw bytes on a TCP connection; resolves with what came back once the server closes (or the limit). */
export function rawSocket(port: number, data: Buffer | string, opts: { limitMs: number; keepOpen?: boolean }): Promise<{ reply: string; closedByServer: boolean; elapsedMs: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, LOOPBACK);
    let reply = '';
    let done = false;
    const finish = (closedByServer: boolean): void => {
      if (!done) {
        done = true;
        clearTimeout(limit);
        socket.destroy();
        resolve({ reply, closedByServer, elapsedMs: Date.now() - started });
      }
    };
    const limit = setTimeout(() => finish(false), opts.limitMs);
    socket.on('connect', () => {
      socket.write(data);
      if (!opts.keepOpen) {
        socket.end();
      }
    });
    socket.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

export interface GrpcOutcome {
  /** gRPC status code from the trailers (or a trailers-only answer); undefined if none came. */
  code?: number;
  message: string;
  /** HTTP/2 `:status`. */
  httpStatus?: number;
  /** The response message (without its 5-byte frame header), when one came. */
  response?: Buffer;
}

export interface GrpcCall {
  /** The message bytes, framed as one gRPC message unless `frame` is given. */
  message?: Buffer;
  /** Raw body bytes sent as they are (for broken framing). */
  frame?: Buffer;
  /** Sets the frame's compressed flag (the bytes must then be compressed with `encoding`). */
  compressed?: boolean;
  /** `grpc-encoding` header. */
  encoding?: string;
  path?: string;
  contentType?: string;
  limitMs?: number;
}

export function grpcFrame(message: Buffer, compressed = false, declaredLength = message.length): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(compressed ? 1 : 0, 0);
  head.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([head, message]);
}

/** One unary OTLP/gRPC call over a fresh HTTP/2 connection. */
export function grpcCall(port: number, call: GrpcCall): Promise<GrpcOutcome> {
  return new Promise<GrpcOutcome>((resolve, reject) => {
    const session = http2.connect(`http://${LOOPBACK}:${port}`);
    const out: GrpcOutcome = { message: '' };
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (err?: Error): void => {
      if (done) {
        return;
      }
      done = true;
      clearTimeout(limit);
      session.close();
      session.destroy();
      if (err) {
        reject(err);
        return;
      }
      const body = Buffer.concat(chunks);
      if (body.length >= 5) {
        out.response = body.subarray(5, 5 + body.readUInt32BE(1));
      }
      resolve(out);
    };
    const limit = setTimeout(() => finish(new Error(`gRPC call got no answer within ${call.limitMs ?? 20_000} ms`)), call.limitMs ?? 20_000);
    session.on('error', (e) => finish(e));
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': call.path ?? TRACE_EXPORT_PATH,
      'content-type': call.contentType ?? 'application/grpc',
      te: 'trailers',
    };
    if (call.encoding) {
      headers['grpc-encoding'] = call.encoding;
    }
    const stream = session.request(headers);
    const readStatus = (h: http2.IncomingHttpHeaders): void => {
      if (h[':status'] !== undefined) {
        out.httpStatus = Number(h[':status']);
      }
      if (h['grpc-status'] !== undefined) {
        out.code = Number(h['grpc-status']);
        out.message = decodeURIComponent(String(h['grpc-message'] ?? ''));
      }
    };
    stream.on('response', readStatus);
    stream.on('trailers', readStatus);
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => finish());
    stream.on('close', () => finish());
    stream.on('error', () => finish());
    stream.end(call.frame ?? grpcFrame(call.message ?? Buffer.alloc(0), call.compressed));
  });
}
