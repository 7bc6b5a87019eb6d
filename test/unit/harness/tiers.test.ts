import * as assert from 'node:assert/strict';
import { parseMochaSummary } from '../../vscode/tiers';

describe('test tier summary', () => {
  it('sums mocha closing lines, with or without colours and over several runs', () => {
    const out = [
      '  12 passing (3s)',
      '  1 pending',
      '\x1b[32m  4 passing\x1b[0m\x1b[90m (20s)\x1b[0m',
      '\x1b[31m  2 failing\x1b[0m',
      '  1) suite',
      '       a test that says 3 passing inside its title',
    ].join('\n');
    assert.deepEqual(parseMochaSummary(out), { passed: 16, failed: 2, skipped: 1, found: true });
  });

  it('reports that no summary was found', () => {
    assert.deepEqual(parseMochaSummary('Error: build failed\n'), { passed: 0, failed: 0, skipped: 0, found: false });
  });
});
