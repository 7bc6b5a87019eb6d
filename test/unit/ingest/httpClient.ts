/** Raw HTTP requests against a receiver, for status-code tests the SDK exporters would hide. */
import * as http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Sent as one piece, or chunk by chunk (chunked transfer encoding, no Content-Length). */
  body?: Buffer | Buffer[];
  /** Pause between chunks, ms. */
  chunkDelayMs?: number;
}

export function request(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const chunked = Array.isArray(req.body);
    const r = http.request(
      { host: '127.0.0.1', port, method: req.method ?? 'POST', path: req.path ?? '/v1/traces', headers: req.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    if (!chunked) {
      r.end(req.body);
      return;
    }
    const parts = req.body as Buffer[];
    let i = 0;
    const next = (): void => {
      if (r.destroyed) {
        return;
      }
      if (i >= parts.length) {
        r.end();
        return;
      }
      r.write(parts[i++]);
      setTimeout(next, req.chunkDelayMs ?? 0);
    };
    next();
  });
}
