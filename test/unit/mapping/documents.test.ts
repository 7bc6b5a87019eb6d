import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMapper, mapWorkspace, matchCodeObjects } from '../../../src/mapping/index';
import { neverReached } from '../../../src/engine/cli/map';
import type { CodeObject } from '../../../src/shared/api';
import { FIXTURES, mapper, summarize } from './support';

describe('mapping: single documents', function () {
  this.timeout(30_000);

  it('maps TSX and JSX with their grammars', async () => {
    const m = await mapper();
    const tsx = await m.mapDocument({
      languageId: 'typescriptreact',
      path: 'web/src/Cart.tsx',
      text: `import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('web');\nexport function Cart({ items }: { items: string[] }) {\n  const span = tracer.startSpan('cart.render');\n  span.end();\n  return <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>;\n}\n`,
    });
    const jsx = await m.mapDocument({
      languageId: 'javascriptreact',
      path: 'web/src/List.jsx',
      text: `export const List = ({ rows }) => <div>{rows.length}</div>;\nclass Old extends React.Component { render() { return <p/>; } }\n`,
    });
    assert.deepEqual(summarize([tsx, jsx]), {
      'web/src/Cart.tsx': ['3 Cart (function) | span cart.render @web'],
      'web/src/List.jsx': ['1 List (function)', '2 Old.render (method)'],
    });
    assert.equal(tsx.hasErrors, false);
  });

  it('reads Python f-string span names: plain interpolations from the text, the rest from the tree, the same way', async () => {
    const text = [
      'from opentelemetry import trace',
      'tracer = trace.get_tracer(__name__)',
      'def f(x, y, w):',
      '    tracer.start_span(f"a{x}b")',
      "    tracer.start_span(f'{x!r:>10} c')",
      '    tracer.start_span(F"""multi',
      'line {y}""")',
      '    tracer.start_span(rf"{x}")',
      '    tracer.start_span(f"{{lit}} {x}")',
      '    tracer.start_span(f"{x:{w}}")',
      '    tracer.start_span(f"tab\\t{x}")',
      '    tracer.start_span(f"{x = }")',
      '    tracer.start_span(f"plain")',
      '    tracer.start_span(f"{x}" "tail" f"{y}")',
      '    tracer.start_span(b"{x}")',
      '    tracer.start_span("{x}")',
      `    tracer.start_span(f"{'q'}")`,
      '',
    ].join('\n');
    const doc = await (await mapper()).mapDocument({ languageId: 'python', path: 'app/f.py', text });
    assert.deepEqual(
      doc.functions[0].spans.map((s) => [s.name, s.dynamic]),
      [
        ['a*b', true],
        ['* c', true],
        ['multi\nline *', true],
        ['*', true],
        ['{{lit}} *', true],
        ['*', true],
        ['tab\\t*', true],
        ['*', true],
        ['plain', false],
        ['*tail*', true],
        ['{x}', false],
        ['{x}', false],
        ['*', true],
      ],
    );
  });

  it('ASP.NET [AcceptVerbs]: one route per method, with its Route = template, the action\'s [Route] or the controller\'s', async () => {
    const doc = await (await mapper()).mapDocument({
      languageId: 'csharp',
      path: 'Controllers/ItemsController.cs',
      text: [
        'namespace Shop.Controllers;',
        '',
        '[ApiController]',
        '[Route("api/[controller]")]',
        'public class ItemsController : ControllerBase',
        '{',
        '    [AcceptVerbs("GET", "POST", Route = "search/{q}")]',
        '    public IActionResult Search(string q) => Ok();',
        '',
        '    [AcceptVerbs("put", "PATCH")]',
        '    [Route("{id}/replace")]',
        '    public IActionResult Replace(int id) => Ok();',
        '',
        '    [AcceptVerbs("DELETE")]',
        '    public IActionResult Clear() => Ok();',
        '',
        '    [AcceptVerbs("GET", Route = "/health", Name = "health")]',
        '    public IActionResult Health() => Ok();',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(summarize([doc]), {
      'Controllers/ItemsController.cs': [
        '7 Shop.Controllers.ItemsController.Search (method) | GET /api/Items/search/{q} | POST /api/Items/search/{q}',
        '10 Shop.Controllers.ItemsController.Replace (method) | PUT /api/Items/{id}/replace | PATCH /api/Items/{id}/replace',
        '14 Shop.Controllers.ItemsController.Clear (method) | DELETE /api/Items',
        '17 Shop.Controllers.ItemsController.Health (method) | GET /health',
      ],
    });
  });

  it('reads Python decorators the same in their one-string form (from the text) and in every other form (from the tree)', async () => {
    const text = [
      'from fastapi import FastAPI',
      'from opentelemetry import trace',
      'tracer = trace.get_tracer("svc")',
      'app = FastAPI()',
      '@app.get("/a/{id}")',
      'def a(id): pass',
      "@app.get( '/b' )",
      'def b(): pass',
      '@app.get("/c",)',
      'def c(): pass',
      '@app.get(path="/d")',
      'def d(): pass',
      '@app.api_route("/e", methods=["POST", "put"])',
      'def e(): pass',
      '@ app.post("/f")',
      'def f(): pass',
      '@app.get(u"/g")',
      'def g(): pass',
      '@tracer.start_as_current_span("s1")',
      '@app.delete("/h" )  # trailing comment',
      'def h(): pass',
      '@tracer.start_as_current_span(name="s2")',
      '@app.api.get("/i")',
      'def i(): pass',
      '@app.get("/j" "/k")',
      'def j(): pass',
      '@app.get("/l\\\\m")',
      'def l(): pass',
      '@tracer . start_as_current_span("s3")',
      'def m(): pass',
      '',
    ].join('\n');
    const doc = await (await mapper()).mapDocument({ languageId: 'python', path: 'app/main.py', text });
    const r = (x: { start: { line: number; column: number }; end: { line: number; column: number } }) => `${x.start.line}.${x.start.column}-${x.end.line}.${x.end.column}`;
    assert.deepEqual(
      doc.functions.map((f) => [f.name, f.spans.map((s) => `${s.name}@${s.scope ?? '?'}:${r(s.range)}`), f.routes.map((x) => `${x.method} ${x.route}`)]),
      [
        ['a', [], ['GET /a/{id}']],
        ['b', [], ['GET /b']],
        ['c', [], ['GET /c']],
        ['d', [], ['GET /d']],
        ['e', [], ['POST /e', 'PUT /e']],
        ['f', [], ['POST /f']],
        ['g', [], ['GET /g']],
        ['h', ['s1@svc:18.0-18.35'], ['DELETE /h']],
        ['i', ['s2@svc:21.0-21.40'], ['GET /i']],
        ['j', [], ['GET /j/k']],
        ['l', [], ['GET /l\\\\m']],
        ['m', ['s3@svc:28.0-28.37'], []],
      ],
    );
  });

  it('reads Python span calls the same with a dotted tracer and a quoted name (from the text) and in other forms (from the tree)', async () => {
    const text = [
      'from opentelemetry import trace',
      'tracer = trace.get_tracer("svc")',
      'class K:',
      '    def __init__(self):',
      '        self.tracer = trace.get_tracer("k")',
      '    def run(self, x):',
      '        tracer.start_span("a")',
      "        tracer.start_as_current_span('b', kind=x)",
      '        self.tracer.start_span(f"c {x}")',
      '        trace.get_tracer("lib").start_span("d")',
      '        tracer.start_span(name="e")',
      '        tracer.start_span("f" + x)',
      '        tracer.start_span( "g" )',
      '        tracer.start_span(rf"h{x}")',
      '        tracer.start_span(b"i")',
      '        tracer.start_span("{j}")',
      '        with tracer.start_as_current_span("k") as s:',
      '            pass',
      '        tracer.start_span(f"{x:{x}}")',
      '',
    ].join('\n');
    const doc = await (await mapper()).mapDocument({ languageId: 'python', path: 'app/k.py', text });
    assert.deepEqual(
      doc.functions[1].spans.map((s) => [s.name, s.dynamic, s.api, s.scope ?? null, s.tracerVar ?? null, s.range.start.line, s.range.end.column]),
      [
        ['a', false, 'start_span', 'svc', 'tracer', 6, 30],
        ['b', false, 'start_as_current_span', 'svc', 'tracer', 7, 49],
        ['c *', true, 'start_span', 'k', 'self.tracer', 8, 40],
        ['d', false, 'start_span', 'lib', null, 9, 47],
        ['e', false, 'start_span', 'svc', 'tracer', 10, 35],
        ['g', false, 'start_span', 'svc', 'tracer', 12, 32],
        ['h*', true, 'start_span', 'svc', 'tracer', 13, 35],
        ['i', false, 'start_span', 'svc', 'tracer', 14, 31],
        ['{j}', false, 'start_span', 'svc', 'tracer', 15, 32],
        ['k', false, 'start_as_current_span', 'svc', 'tracer', 16, 46],
        ['*', true, 'start_span', 'svc', 'tracer', 18, 37],
      ],
    );
  });

  it('reads TS span and route calls the same in their common form (from the text) and in other forms (from the tree)', async () => {
    const text = [
      "import { trace } from '@opentelemetry/api';",
      "import { Router } from 'express';",
      "const tracer = trace.getTracer('svc');",
      "export const router = Router();",
      "export class S {",
      "  private tracer = trace.getTracer('member');",
      "  run(x: string) {",
      "    tracer.startActiveSpan('a', (s) => s.end());",
      '    this.tracer.startSpan("b");',
      "    tracer.startSpan(`c ${x}`);",
      "    tracer.startSpan('d' + x);",
      "    trace.getTracer('lib').startSpan('e');",
      "    tracer?.startSpan('f');",
      "    tracer.startSpan( 'g{x}' , {});",
      "    tracer.startSpan<T>('h');",
      "    tracer.startSpan(/* c */ 'i');",
      "    tracer.startSpan('j\\\\n');",
      "  }",
      "}",
      "function h() {}",
      "router.get('/a/:id', h);",
      "router.post('/b', this.h);",
      "router.put('c', h);",
      "router.delete('/d', auth, h);",
      "router.patch('/e', (req, res) => res.end());",
      "router.get(`/f`, h);",
      "router.all('/g', h );",
      "router.route('/h').get(h).post(h);",
      "app.use('/api', router);",
      "router.get('/i',\n  h,\n);",
      "router.head( '/j' ,h)",
      "router.options('*', h);",
      "cache.get('k');",
      "cache.get(k);",
      "router.get('/l', 5);",
      "",
    ].join('\n');
    const doc = await (await mapper()).parseDocument({ languageId: 'typescript', path: 'src/r.ts', text });
    assert.deepEqual(
      doc.functions.flatMap((f) => f.spans.map((s) => [s.name, s.dynamic, s.scope ?? null, s.tracerVar ?? null])),
      [
        ['a', false, 'svc', 'tracer'],
        ['b', false, 'member', 'this.tracer'],
        ['c *', true, 'svc', 'tracer'],
        ['e', false, 'lib', null],
        ['f', false, 'svc', 'tracer'],
        ['g{x}', false, 'svc', 'tracer'],
        ['h', false, 'svc', 'tracer'],
        ['i', false, 'svc', 'tracer'],
        ['j\\\\n', false, 'svc', 'tracer'],
      ],
    );
    assert.deepEqual(
      doc.routes.map((r) => [r.method, r.path, r.router ?? null, r.handlerName ?? null, r.range.start.line, r.range.end.line, r.range.end.column]),
      [
        ['GET', '/a/:id', 'router', 'h', 20, 20, 23],
        ['POST', '/b', 'router', 'h', 21, 21, 25],
        ['DELETE', '/d', 'router', 'h', 23, 23, 28],
        ['PATCH', '/e', 'router', null, 24, 24, 43],
        ['GET', '/f', 'router', 'h', 25, 25, 19],
        ['*', '/g', 'router', 'h', 26, 26, 20],
        ['POST', '/h', 'router', 'h', 27, 27, 33],
        ['GET', '/h', 'router', 'h', 27, 27, 25],
        ['GET', '/i', 'router', 'h', 29, 31, 1],
        ['HEAD', '/j', 'router', 'h', 32, 32, 21],
        ['OPTIONS', '*', 'router', 'h', 33, 33, 22],
        ['GET', '/l', 'router', null, 36, 36, 19],
      ],
    );
  });

  it('maps what it can of a file with syntax errors and says so', async () => {
    const doc = await (await mapper()).mapDocument({
      languageId: 'python',
      path: 'broken.py',
      text: `def ok():\n    with tracer.start_as_current_span("fine"):\n        pass\n\ndef broken(:\n    return (\n\ndef later():\n    pass\n`,
    });
    assert.equal(doc.hasErrors, true);
    assert.deepEqual(
      doc.functions.filter((f) => f.name === 'ok').map((f) => f.spans.map((s) => s.name)),
      [['fine']],
    );
  });

  it('rejects a language it does not parse with a clear error, and says which it does', async () => {
    const m = await mapper();
    await assert.rejects(m.mapDocument({ languageId: 'ruby', text: 'def x; end', path: 'x.rb' }), /unsupported language 'ruby'/);
    assert.equal(m.supports('.go'), true);
    assert.equal(m.supports('cobol'), false);
  });

  it('re-maps an edited document incrementally to exactly what a fresh parse gives', async () => {
    const m = await mapper();
    const fresh = await createMapper();
    const file = path.join(FIXTURES, 'python-fastapi/app/services/user_service.py');
    let text = fs.readFileSync(file, 'utf8');
    const edits: ((t: string) => string)[] = [
      (t) => t.replace('"users.load"', '"users.load.v2"'),
      (t) => t.replace('class UserService:', 'class Cache:\n    def get(self, k):\n        with tracer.start_as_current_span("cache.get"):\n            return k\n\n\nclass UserService:'),
      (t) => t.replace(/ {4}def _validate[\s\S]*$/, ''),
      (t) => `# é\n${t}`,
      (t) => t,
    ];
    for (const edit of edits) {
      text = edit(text);
      const input = { languageId: 'python', text, path: 'app/services/user_service.py' };
      const incremental = await m.mapDocument({ ...input, incremental: true });
      assert.deepEqual(incremental, await fresh.mapDocument(input));
    }
    assert.deepEqual(
      (await m.mapDocument({ languageId: 'python', text, path: 'app/services/user_service.py', incremental: true })).functions.map((f) => `${f.range.start.line} ${f.name}`),
      ['7 find', '13 get', '19 __init__', '22 load', '26 create'],
    );
    m.forget('app/services/user_service.py');
    fresh.dispose();
  });

  it('lists instrumented functions with no data as never reached', async () => {
    const ws = (await mapWorkspace(await mapper(), path.join(FIXTURES, 'go-gin'))).documents;
    const objects: CodeObject[] = [{ id: 'e1', kind: 'endpoint', service: 'catalog', name: 'GET /v1/items/:id', count: 5, errors: 0, firstSeen: 0, lastSeen: 0 }];
    assert.deepEqual(
      neverReached(ws, matchCodeObjects(ws, objects)).map((f) => f.id),
      ['main.go#DELETE /items/:id@18', 'main.go#main.createItem@30'],
    );
  });
});
