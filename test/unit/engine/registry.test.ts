import * as assert from 'node:assert/strict';
import type { Attributes } from '../../../src/shared/api';
import { functionOf } from '../../../src/engine/aggregates/codeObjectKeys';
import { Registry } from '../../../src/engine/store/registry';
import { resource, span } from './spanFixtures';

const svc = resource('shop');
const scope = { name: 'app' };
const withAttrs = (attributes: Attributes) => span(svc, scope, { name: 'op', startMs: 1_700_000_000_000, durMs: 5, attributes });

describe('registry: function code objects', () => {
  it('gives the code object functionOf names, for new and old conventions and namespaces', () => {
    const cases: Attributes[] = [
      { 'code.function.name': 'shop.orders.get' },
      { 'code.function': 'get', 'code.namespace': 'shop.orders' },
      { 'code.function': 'shop.orders.get', 'code.namespace': 'shop.orders' },
      { 'code.function.name': 'get', 'code.namespace': '' },
      { 'code.function.name': 'get', 'code.namespace': 7 },
      { 'code.function.name': 'list', 'code.namespace': 'shop.orders', 'code.file.path': 'shop/orders.py' },
    ];
    const registry = new Registry();
    for (const attributes of cases) {
      const s = withAttrs(attributes);
      // Twice: the second call is answered from the cache.
      for (let i = 0; i < 2; i++) {
        assert.equal(registry.functionCodeObject(s)!.ref.key, functionOf(s)!.key, JSON.stringify(attributes));
      }
    }
    assert.deepEqual([...registry.codeObjects.keys()].sort(), ['fn:get', 'fn:shop.orders.get', 'fn:shop.orders.list']);
    assert.equal(registry.functionCodeObject(withAttrs({ 'http.route': '/x' })), undefined);
  });

  it('keeps the code location of the first span, as codeObject does', () => {
    const registry = new Registry();
    const first = registry.functionCodeObject(withAttrs({ 'code.function.name': 'f', 'code.file.path': 'a.py', 'code.line.number': 3 }))!;
    const again = registry.functionCodeObject(withAttrs({ 'code.function.name': 'f', 'code.file.path': 'b.py', 'code.line.number': 9 }))!;
    assert.equal(again, first);
    assert.deepEqual(first.ref.code, { function: 'f', filepath: 'a.py', lineno: 3 });
  });

  it('forgets cached entries with the code objects retention drops', () => {
    const registry = new Registry();
    const s = withAttrs({ 'code.function.name': 'f' });
    const dropped = registry.functionCodeObject(s)!;
    registry.dropCodeObjects([dropped.no]);
    const fresh = registry.functionCodeObject(s)!;
    assert.notEqual(fresh.no, dropped.no);
    assert.equal(registry.byNo.get(fresh.no), fresh);
  });
});
