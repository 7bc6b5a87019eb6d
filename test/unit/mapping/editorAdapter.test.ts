import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { CodeObject } from '../../../src/shared/api';
import { defaultWasmDir } from '../../../src/mapping/index';
import { createDocumentMapper } from '../../../src/providers/mapperAdapter';

const co = (id: string, kind: CodeObject['kind'], name: string, extra: Partial<CodeObject> = {}): CodeObject => ({ id, kind, service: 'orders-api', name, count: 3, errors: 0, firstSeen: 0, lastSeen: 0, ...extra });

/** The editor's DocumentMapper backed by the mapping module (loaded through dist/lazy.js → out/src/lazy.js here). */
describe('mapping: editor adapter (src/providers/mapperAdapter.ts)', function () {
  this.timeout(30_000);
  const mapper = createDocumentMapper(defaultWasmDir());

  it('maps a demo file into the editor DocumentMap and matches with the module rules', async () => {
    const path = 'python-api/app/repository.py';
    const text = fs.readFileSync(`demo/workspace/${path}`, 'utf8');
    const map = await mapper.mapDocument({ languageId: 'python', text, path });
    assert.deepEqual(
      map.functions.map((f) => [f.name, f.qualifiedName, f.line, f.endLine, f.nameLine, f.nameColumn, f.spanNames, f.routes]),
      [
        ['get_pool', 'app.repository.get_pool', 8, 12, 8, 10, [], []],
        ['__init__', 'app.repository.OrderRepository.__init__', 16, 17, 16, 8, [], []],
        ['list_orders', 'app.repository.OrderRepository.list_orders', 19, 27, 19, 14, ['load_orders'], []],
        ['find_user', 'app.repository.OrderRepository.find_user', 29, 31, 29, 14, ['find_user'], []],
      ],
    );
    assert.deepEqual(map.functions[2].keys, ['span:*:app.repository:load_orders', 'fn:app.repository.OrderRepository.list_orders']);
    const objects = [
      co('a', 'span', 'load_orders', { scope: 'app.repository' }),
      co('b', 'span', 'find_user', { scope: 'app.repository', code: { filepath: '/srv/python-api/app/repository.py', lineno: 10 } }),
      co('c', 'span', 'load_orders', { scope: 'another.module' }),
    ];
    const matched = map.match!(objects);
    assert.deepEqual(
      [...matched].map(([i, list]) => [map.functions[i].name, list.map((c) => c.id)]),
      [
        ['get_pool', ['b']],
        ['list_orders', ['a']],
      ],
    );
  });

  it('keeps the line-based fallback for languages the module does not parse', async () => {
    const map = await mapper.mapDocument({ languageId: 'ruby', text: 'def x; end\n', path: 'x.rb' });
    assert.deepEqual(map.functions, []);
    assert.equal(map.match, undefined);
  });
});
