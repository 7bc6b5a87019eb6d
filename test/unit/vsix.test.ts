import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { listVsixEntries } from '../support/vsix';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** `npm run package` must give an allowlisted VSIX of at most 5 MB. */
describe('VSIX packaging', function () {
  this.timeout(180_000);
  const vsix = `spanlens-${pkg.version}.vsix`;

  before(() => {
    execFileSync('npm', ['run', '--silent', 'package'], { stdio: ['ignore', 'ignore', 'inherit'] });
  });

  it('contains only allowlisted entries', () => {
    const entries = listVsixEntries(vsix).filter((e) => e.startsWith('extension/'));
    const allowed = [/^extension\/dist\//, /^extension\/media\//, /^extension\/package\.json$/, /^extension\/(readme|README)\.md$/, /^extension\/(LICENSE|LICENSE\.txt)$/, /^extension\/(changelog|CHANGELOG)\.md$/];
    const unexpected = entries.filter((e) => !allowed.some((re) => re.test(e)));
    assert.deepEqual(unexpected, [], `unexpected VSIX entries: ${unexpected.join(', ')}`);
    for (const needed of ['extension/dist/extension.js', 'extension/dist/engine.js', 'extension/dist/webview.js', 'extension/package.json']) {
      assert.ok(entries.includes(needed), `missing ${needed}`);
    }
    assert.ok(!entries.some((e) => e.endsWith('.map')), 'source maps are not shipped');
  });

  it('is at most 5 MB', () => {
    const size = statSync(vsix).size;
    assert.ok(size <= 5 * 1024 * 1024, `VSIX is ${size} bytes`);
  });
});
