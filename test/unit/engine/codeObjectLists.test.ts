import * as assert from 'node:assert/strict';
import { CodeObjectLists } from '../../../src/engine/store/codeObjectLists';

describe('code-object lists of buffered spans', () => {
  it('gives one frozen array per combination, with the absent ones left out', () => {
    const lists = new CodeObjectLists();
    assert.deepEqual(lists.of(3), [3]);
    assert.deepEqual(lists.of(3, -1), [3]);
    assert.deepEqual(lists.of(3, 7), [3, 7]);
    assert.deepEqual(lists.of(3, 7, -1), [3, 7]);
    assert.deepEqual(lists.of(3, 7, 9), [3, 7, 9]);
    assert.equal(lists.of(3, 7, 9), lists.of(3, 7, 9));
    assert.equal(lists.of(3), lists.of(3, -1, -1));
    assert.notEqual(lists.of(3, 7), lists.of(7, 3));
    assert.notEqual(lists.of(3, 7, 9), lists.of(3, 7, 10));
    assert.ok(Object.isFrozen(lists.of(3, 7)));
  });

  it('serves numbers past its key range and keeps working after it started over', () => {
    const lists = new CodeObjectLists();
    const big = 2 ** 27;
    assert.deepEqual(lists.of(big, 1), [big, 1]);
    assert.deepEqual(lists.of(1, big, 2), [1, big, 2]);
    for (let i = 0; i < 100_100; i++) {
      assert.deepEqual(lists.of(i % 1000, i), [i % 1000, i]);
    }
    assert.deepEqual(lists.of(5, 6, 7), [5, 6, 7]);
  });
});
