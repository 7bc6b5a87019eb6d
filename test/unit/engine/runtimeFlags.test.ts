import * as assert from 'node:assert/strict';
import { applyRuntimeFlags, describeRuntimeFlags } from '../../../src/engine/runtimeFlags';

// Only command lines that already have every flag V8 takes at run time: this mocha process keeps its own flags.
describe('engine runtime flags: set at run time only where the node command line lacks them', () => {
  it('leaves a flag given on the command line as it is, in any spelling V8 takes (`_`, `=value`, `--no-`)', () => {
    const flags = applyRuntimeFlags(['--expose_gc', '--max-semi-space-size=16', '--no-liftoff-only']);
    assert.deepEqual([flags.applied, flags.missing], [[], []]);
    assert.equal(describeRuntimeFlags(flags), undefined, 'nothing to log');
  });

  it('names the young-generation cap, which V8 reads only when it creates the heap, as command line only', () => {
    const flags = applyRuntimeFlags(['--inspect', '--liftoff-only', '--expose-gc']);
    assert.deepEqual([flags.applied, flags.missing], [[], ['--max-semi-space-size=8']]);
    assert.equal(describeRuntimeFlags(flags), 'runtime flags set at run time: none; on the node command line only: --max-semi-space-size=8');
    assert.equal(
      describeRuntimeFlags({ applied: ['--expose-gc', '--liftoff-only'], missing: [] }),
      'runtime flags set at run time: --expose-gc --liftoff-only',
    );
  });
});
