import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMap } from '../../../src/engine/cli/map';
import type { DocumentMap } from '../../../src/mapping/index';
import { FIXTURES } from './support';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runMap(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('mapping: spanlens-engine map', function () {
  this.timeout(30_000);

  it('prints functions, spans, routes and keys as text', async () => {
    const r = await run(['--workspace', path.join(FIXTURES, 'go-gin')]);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out.split('\n').slice(1).join('\n'),
      [
        '',
        'main.go  [go, main]',
        '   10  main.main  (function)',
        '   18  DELETE /items/:id  (handler)',
        '         route  DELETE /v1/admin/items/:id  → /v1/admin/items/{}  (gin)',
        '         keys   endpoint:*:DELETE /v1/admin/items/:id',
        '   24  main.getItem  (function)',
        '         span   "items.get"  scope catalog',
        '         route  GET /v1/items/:id  → /v1/items/{}  (gin)',
        '         keys   span:*:catalog:items.get  endpoint:*:GET /v1/items/:id  fn:main.getItem',
        '   30  main.createItem  (function)',
        '         route  POST /v1/items  → /v1/items  (gin)',
        '         keys   endpoint:*:POST /v1/items  fn:main.createItem',
        '',
      ].join('\n'),
    );
    assert.match(r.out.split('\n')[0], /go-gin: 1 files, 4 functions$/);
  });

  it('prints JSON with --format json', async () => {
    const r = await run(['--workspace', path.join(FIXTURES, 'nestjs'), '--format=json']);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { documents: DocumentMap[]; errors: unknown[] };
    assert.deepEqual(json.errors, []);
    assert.deepEqual(
      json.documents.map((d) => [d.path, d.functions.length]),
      [
        ['src/main.ts', 1],
        ['src/users/users.controller.ts', 5],
        ['src/users/users.service.ts', 2],
      ],
    );
    const findOne = json.documents[1].functions.find((f) => f.name === 'findOne')!;
    assert.deepEqual(findOne.keys.map((k) => k.key), ['endpoint:*:GET /api/users/:id', 'fn:UsersController.findOne']);
    assert.deepEqual(findOne.nameRange, { start: { line: 13, column: 2 }, end: { line: 13, column: 9 } });
  });

  it('rejects bad usage with exit code 2 and a reason', async () => {
    assert.equal((await run([])).code, 2);
    assert.match((await run([])).err, /--workspace DIR is required/);
    assert.match((await run(['--workspace', FIXTURES, '--format', 'xml'])).err, /--format must be text or json/);
    assert.match((await run(['--bogus'])).err, /unknown option '--bogus'/);
    assert.match((await run(['--workspace', path.join(FIXTURES, 'nope')])).err, /is not a folder/);
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /--storage DIR/);
  });

  it('says clearly when --storage holds no running engine', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-map-'));
    try {
      const r = await run(['--workspace', path.join(FIXTURES, 'go-gin'), '--storage', dir]);
      assert.equal(r.code, 2);
      assert.match(r.err, /no running engine: cannot read .*engine\.json/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
