/**
 * The query API's HTTP layer: node:http on loopback, `Authorization: Bearer <token>` checked in
 * constant time, JSON in and out, errors as `{ error: { code, message } }`, a small route table.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiError } from '../../shared/api';
import type { Logger } from '../logger';
import { OverloadedError } from '../model';

/** An error with an HTTP status and an API error code. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string): ApiFailure => new ApiFailure(400, 'bad_request', message);
export const notFound = (message: string): ApiFailure => new ApiFailure(404, 'not_found', message);

export interface RequestContext {
  params: string[];
  query: URLSearchParams;
  /** Parsed JSON body (POST/PUT), undefined when there is none. */
  body: unknown;
}

export type Handler = (ctx: RequestContext) => unknown;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Anchored pattern over the decoded-per-segment path; groups become `params`. */
  pattern: RegExp;
  handler: Handler;
}

export interface ApiServerOptions {
  host: string;
  port: number;
  token: string;
  routes: Route[];
  maxBodyBytes: number;
  log: Logger;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** A response body already serialized (a handler's cached answer): sent as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body instanceof JsonText ? body.text : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const body: ApiError = { error: { code, message } };
  send(res, status, body, headers);
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    throw new ApiFailure(413, 'payload_too_large', `request body over ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw new ApiFailure(413, 'payload_too_large', `request body over ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  if (size === 0) {
    return undefined;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`request body is not JSON: ${(e as Error).message}`);
  }
}

export async function startApiServer(opts: ApiServerOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const expected = digest(`Bearer ${opts.token}`);
  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      opts.log.error(`${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) {
        sendError(res, 500, 'internal', (e as Error).message);
      } else {
        res.destroy();
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = req.headers.authorization ?? '';
    if (!timingSafeEqual(digest(auth), expected)) {
      // Drain nothing: answer at once and close.
      sendError(res, 401, 'unauthorized', 'missing or wrong API token (Authorization: Bearer <token> from engine.json)', { 'www-authenticate': 'Bearer', connection: 'close' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://engine');
    const method = req.method ?? 'GET';
    let pathMatched = false;
    for (const r of opts.routes) {
      const m = r.pattern.exec(url.pathname);
      if (!m) {
        continue;
      }
      pathMatched = true;
      if (r.method !== method) {
        continue;
      }
      try {
        const params = m.slice(1).map((p) => decodeURIComponent(p));
        const body = method === 'POST' ? await readJson(req, opts.maxBodyBytes) : undefined;
        const result = await r.handler({ params, query: url.searchParams, body });
        send(res, 200, result);
      } catch (e) {
        if (e instanceof ApiFailure) {
          sendError(res, e.status, e.code, e.message, e.headers);
        } else if (e instanceof OverloadedError) {
          sendError(res, 503, 'overloaded', e.message, { 'retry-after': String(e.retryAfterSeconds) });
        } else if (e instanceof URIError) {
          sendError(res, 400, 'bad_request', `bad percent-encoding in ${url.pathname}`);
        } else {
          throw e;
        }
      }
      return;
    }
    if (pathMatched) {
      sendError(res, 405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}`);
    } else {
      sendError(res, 404, 'not_found', `no route ${method} ${url.pathname}`);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
