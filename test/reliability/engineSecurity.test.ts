import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineProcess } from '../support/engineProcess';
import { request } from '../unit/ingest/httpClient';
import { seed, startEngine } from './engine';
import { listeningSockets } from './sockets';

describe('reliability: the engine is reachable from this machine and this user only', function () {
  this.timeout(60_000);
  let engine: EngineProcess;

  before(async () => {
    engine = await startEngine();
    await seed(engine);
  });
  after(async () => {
    await engine?.stop();
    engine?.cleanup();
  });

  it('listens on loopback only by default: no socket on 0.0.0.0 or ::', () => {
    const sockets = listeningSockets(engine.proc.pid!);
    const ports = sockets.map((s) => s.port);
    for (const p of [engine.state.otlpHttpPort, engine.state.otlpGrpcPort, engine.state.apiPort]) {
      assert.ok(ports.includes(p), `port ${p} is among the listening sockets ${JSON.stringify(sockets)}`);
    }
    const open = sockets.filter((s) => !s.loopback);
    assert.deepEqual(open, [], 'sockets bound beyond loopback');
    assert.equal(engine.state.host, '127.0.0.1');
  });

  it('the state file is mode 0600 and the token never appears in the log', () => {
    assert.equal(fs.statSync(path.join(engine.storage, 'engine.json')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(engine.storage).mode & 0o077, 0, 'the storage folder is private to the user');
    assert.ok(!engine.output().includes(engine.state.token), 'the token is not logged');
  });

  const routes: [string, string, unknown?][] = [
    ['GET', '/api/v1/health'],
    ['GET', '/api/v1/stats'],
    ['GET', '/api/v1/services'],
    ['GET', '/api/v1/code-objects'],
    ['POST', '/api/v1/code-objects/lookup', { keys: [] }],
    ['GET', '/api/v1/insights'],
    ['GET', '/api/v1/code-objects/span%3Afrontend%3Ax%3Ay/stats'],
    ['GET', '/api/v1/traces/0123456789abcdef0123456789abcdef'],
    ['GET', '/api/v1/runs'],
    ['GET', '/api/v1/compare?baseline=a&candidate=b'],
    ['POST', '/api/v1/import', { path: '/etc/passwd' }],
    ['DELETE', '/api/v1/data'],
  ];

  it('answers 401 on every route without the token, with a wrong one, or a token sent the wrong way', async () => {
    const t = engine.state.token;
    const wrongs: { name: string; token: string | null; query?: Record<string, string> }[] = [
      { name: 'no token', token: null },
      { name: 'wrong token of the same length', token: t.replace(/./g, (c) => (c === 'a' ? 'b' : 'a')) },
      { name: 'the token minus its last character', token: t.slice(0, -1) },
      { name: 'the token plus one character', token: `${t}0` },
      { name: 'empty token', token: '' },
      { name: 'the token in the query string instead of the header', token: null, query: { token: t, access_token: t } },
    ];
    let tried = 0;
    for (const [method, route, body] of routes) {
      for (const w of wrongs) {
        const r = await engine.client.raw(method, route, { token: w.token, body, query: w.query });
        assert.equal(r.status, 401, `${method} ${route} with ${w.name}: ${r.status}`);
        assert.equal(r.headers.get('access-control-allow-origin'), null);
        tried++;
      }
    }
    assert.equal(tried, routes.length * wrongs.length);
    // Basic auth carrying the token is not Bearer auth.
    const basic = await fetch(`${engine.client.baseUrl}/api/v1/stats`, { headers: { authorization: `Basic ${Buffer.from(`x:${t}`).toString('base64')}` } });
    assert.equal(basic.status, 401);
    // Nothing was deleted by the refused DELETE.
    assert.ok((await engine.client.stats()).spansStored > 0);
  });

  it('grants no cross-origin access: no CORS headers from the API or the OTLP receiver', async () => {
    const origin = { Origin: 'https://evil.example' };
    const pre = await fetch(`${engine.client.baseUrl}/api/v1/stats`, { method: 'OPTIONS', headers: { ...origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' } });
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    assert.equal(pre.headers.get('access-control-allow-headers'), null);
    // A web page may send a "simple" cross-site POST (text/plain, no preflight): the receiver refuses it.
    const simple = await request(engine.state.otlpHttpPort, { headers: { 'content-type': 'text/plain', origin: 'https://evil.example' }, body: Buffer.from('{"resourceSpans":[]}') });
    assert.equal(simple.status, 415);
    assert.equal(simple.headers['access-control-allow-origin'], undefined);
    const otlpPre = await request(engine.state.otlpHttpPort, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.notEqual(otlpPre.status, 200);
    assert.equal(otlpPre.headers['access-control-allow-origin'], undefined);
  });
});
