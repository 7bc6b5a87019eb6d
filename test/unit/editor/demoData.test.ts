import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { latestEndNs, parseOtlpJsonRequests, shiftDemoFiles } from '../../../src/engineClient/demoData';

const DEMO = path.join('media', 'demo');

describe('demo traces', () => {
  const files = fs.readdirSync(DEMO).filter((f) => f.endsWith('.json')).sort();
  const texts = files.map((f) => fs.readFileSync(path.join(DEMO, f), 'utf8'));

  it('are OTLP JSON requests from the two demo services with code.* attributes pointing into demo/workspace', () => {
    assert.deepEqual(files, ['checkout-service-2.2.0.json', 'checkout-service-2.3.0.json', 'orders-api-1.4.0.json', 'orders-api-1.5.0.json']);
    const seen = new Set<string>();
    let checked = 0;
    for (const t of texts) {
      for (const req of parseOtlpJsonRequests(t) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[] }[] }[] }[] }[]) {
        for (const rs of req.resourceSpans) {
          seen.add(String(rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue));
          for (const ss of rs.scopeSpans) {
            for (const s of ss.spans) {
              const attr = (...keys: string[]) => s.attributes.find((a) => keys.includes(a.key))?.value;
              const fp = attr('code.filepath', 'code.file.path')?.stringValue;
              const line = Number(attr('code.lineno', 'code.line.number')?.intValue);
              if (fp) {
                const rel = fp.replace('/home/dev/spanlens-demo/', '');
                const src = fs.readFileSync(path.join('demo', 'workspace', rel), 'utf8').split('\n');
                assert.match(src[line - 1], /(def|function) /, `${rel}:${line} is a definition`);
                checked++;
              }
            }
          }
        }
      }
    }
    assert.deepEqual([...seen].sort(), ['checkout-service', 'orders-api']);
    assert.ok(checked > 100, `${checked} spans point into the demo workspace`);
  });

  it('are moved together so the newest span ends now, keeping relative timing', () => {
    const now = Date.UTC(2030, 0, 1);
    const before = texts.map((t) => latestEndNs(parseOtlpJsonRequests(t)) as bigint);
    const shifted = shiftDemoFiles(texts, now);
    const after = shifted.map((t) => latestEndNs(parseOtlpJsonRequests(t)) as bigint);
    assert.equal(after.reduce((a, b) => (a > b ? a : b)), BigInt(now) * 1_000_000n);
    for (let i = 1; i < texts.length; i++) {
      assert.equal(after[i] - after[0], before[i] - before[0]);
    }
  });
});
