import * as assert from 'node:assert/strict';
import type { TraceSpanDto } from '../../../src/shared/api';
import { isWebviewToHost } from '../../../src/shared/webviewProtocol';
import { buildCsp } from '../../../src/views/csp';
import { pickExemplars } from '../../../src/views/exemplars';
import { figureLabel, figureText, histogramLayout } from '../../../src/views/webview/histogram';
import { waterfallLayout } from '../../../src/views/webview/waterfall';

function span(id: string, parent: string | undefined, start: number, dur: number, error = false): TraceSpanDto {
  return { traceId: 't', spanId: id, parentSpanId: parent, name: id, kind: 1, service: 's', scope: 'x', startUs: start, durationUs: dur, status: { code: error ? 2 : 0 }, attributes: {}, events: [], codeObjects: [] };
}

describe('histogram layout', () => {
  const h = { bounds: [1, 2, 4, 8, 16, 32], counts: [0, 10, 40, 20, 0, 0] };
  const l = histogramLayout(h, 300, 90, { p50: 3, p99: 8 });

  it('drops empty edge buckets and scales bars to the fullest bucket', () => {
    assert.deepEqual(l.bars.map((b) => [b.lo, b.hi, b.count]), [[1, 2, 10], [2, 4, 40], [4, 8, 20]]);
    assert.equal(l.total, 70);
    assert.equal(l.bars[1].height, 76);
    assert.equal(l.bars[1].y, 0);
    assert.equal(l.bars[0].height, 19);
    assert.equal(l.bars[2].x, 200);
  });

  it('places percentile markers inside their bucket on a log scale', () => {
    const p50 = l.markers.find((m) => m.name === 'p50');
    assert.ok(p50 && Math.abs(p50.x - (100 + (Math.log(1.5) / Math.log(2)) * 100)) < 1e-9);
    assert.equal(l.markers.find((m) => m.name === 'p99')?.x, 300);
  });

  it('is empty without samples', () => {
    assert.equal(histogramLayout({ bounds: [1, 2], counts: [0, 0] }, 100, 50).bars.length, 0);
  });
});

describe('waterfall layout', () => {
  it('orders spans as a tree with depth and offsets relative to the trace', () => {
    const l = waterfallLayout([span('db2', 'root', 600, 100), span('root', undefined, 0, 1000), span('db1', 'root', 100, 400, true), span('q', 'db1', 150, 50)]);
    assert.deepEqual(l.rows.map((r) => [r.span.spanId, r.depth]), [['root', 0], ['db1', 1], ['q', 2], ['db2', 1]]);
    assert.deepEqual(l.rows.map((r) => [r.offsetPct, r.widthPct]), [[0, 100], [10, 40], [15, 5], [60, 10]]);
    assert.equal(l.rows[1].error, true);
    assert.equal(l.durationUs, 1000);
  });

  it('keeps orphans and survives parent cycles', () => {
    const l = waterfallLayout([span('a', 'b', 0, 10), span('b', 'a', 5, 10), span('c', 'missing', 2, 1)]);
    assert.deepEqual(l.rows.map((r) => r.span.spanId).sort(), ['a', 'b', 'c']);
    assert.ok(l.rows.every((r) => r.widthPct >= 0.5 && r.offsetPct + r.widthPct <= 100 + 1e-9));
  });
});

describe('webview CSP', () => {
  it('allows nothing by default, scripts by nonce only, no inline or eval, no network', () => {
    const csp = buildCsp('https://x.vscode-cdn.net', 'abcdefghijklmnop1234==');
    const parts = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    assert.equal(parts['default-src'], "'none'");
    assert.equal(parts['script-src'], "'nonce-abcdefghijklmnop1234=='");
    assert.equal(parts['connect-src'], "'none'");
    assert.equal(parts['style-src'], 'https://x.vscode-cdn.net');
    assert.ok(!/unsafe-(inline|eval)/.test(csp));
    assert.throws(() => buildCsp('x', "short' 'unsafe-inline"));
  });
});

describe('webview protocol validation', () => {
  it('accepts well-formed messages and rejects everything else', () => {
    assert.ok(isWebviewToHost({ method: 'view/ready' }));
    assert.ok(isWebviewToHost({ method: 'command/run', command: 'spanlens.importTraces' }));
    assert.ok(isWebviewToHost({ method: 'request', id: 1, request: 'trace/get', params: { traceId: 'abc123' } }));
    assert.ok(isWebviewToHost({ method: 'request', id: 2, request: 'code/open', params: { path: 'app/main.py', line: 3 } }));
    assert.ok(!isWebviewToHost({ method: 'request', id: 1, request: 'trace/get', params: { traceId: '../../etc' } }));
    assert.ok(!isWebviewToHost({ method: 'request', id: 1, request: 'fs/read', params: {} }));
    assert.ok(!isWebviewToHost({ method: 'request', id: '1', request: 'code/open', params: { path: 'a' } }));
    assert.ok(!isWebviewToHost({ method: 'command/run', command: 'x', args: 'notarray' }));
    assert.ok(!isWebviewToHost(null));
  });
});

describe('exemplar choice', () => {
  it('takes slowest, median of the successful ones and an error trace, then fills from insights', () => {
    const kept = [
      { role: 'random', traceId: 'a', durationMs: 10, error: false },
      { role: 'random', traceId: 'b', durationMs: 30, error: false },
      { role: 'random', traceId: 'c', durationMs: 20, error: false },
      { role: 'slowest', traceId: 'd', durationMs: 900, error: false },
      { role: 'error', traceId: 'e', durationMs: 15, error: true },
    ];
    assert.deepEqual(pickExemplars(kept, []), [{ role: 'slowest', traceId: 'd' }, { role: 'median', traceId: 'c' }, { role: 'error', traceId: 'e' }]);
    const ins = [{ sampleTraceIds: { slowest: 'x', error: 'y' } }] as never[];
    assert.deepEqual(pickExemplars(undefined, ins), [{ role: 'slowest', traceId: 'x' }, { role: 'error', traceId: 'y' }]);
  });
});

describe('insight figures', () => {
  it('are labelled for people and formatted by what their names say', () => {
    assert.equal(figureLabel('shareOfRequest'), 'share of request');
    assert.equal(figureLabel('p95Ms'), 'p95');
    assert.equal(figureText('shareOfRequest', 0.41), '41%');
    assert.equal(figureText('errorRate', 0.021), '2.1%');
    assert.equal(figureText('p95Ms', 812.4), '812 ms');
    assert.equal(figureText('ratePerMinMean', 1.556), '1.56');
    assert.equal(figureText('repeats', 12), '12');
    assert.equal(figureText('p50ChangeMs', 3), '3 ms');
    assert.equal(figureText('statements', ['a', 'b']), 'a, b');
  });
});
