import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { QueryMatch } from '@vscode/tree-sitter-wasm';
import { Language, Parser, Query } from '@vscode/tree-sitter-wasm';
import { defaultWasmDir, languageIdForPath, listSourceFiles } from '../../../src/mapping/index';
import type { LanguageSpec } from '../../../src/mapping/lang/common';
import { anchoredMatches } from '../../../src/mapping/lang/common';
import { specFor } from '../../../src/mapping/mapper';
import { FIXTURES, mapper } from './support';

/** Code written to trip the text anchors: keywords in strings and comments, forms without keywords, odd spacing. */
const SAMPLES: { languageId: string; text: string }[] = [
  {
    languageId: 'python',
    text: `import os, sys as system
from .models import User
from opentelemetry import trace
tracer = trace.get_tracer(__name__)
app: FastAPI = fastapi.FastAPI()
bp = flask.Blueprint("bp", __name__, url_prefix="/bp")
s = "def not_a_function(): class X"  # def in_comment(): start_span("no")
greeting = "héllo wörld 🎉 — naïve café"  # non-ASCII and astral text before the anchors below
@app.get("/x")
@tracer.start_as_current_span("decorated")
async def handler():
    def inner(): pass
    with trace.get_tracer("lib").start_as_current_span("inline") as span:
        x = [lambda: 1]
    result = matrix @ other
    tracer.start_span(name=f"dyn {x}")
class Svc(Base):
    @staticmethod
    def a(): ...
    class Inner:
        def b(self): tracer.start_span ("b")
app.include_router(router, prefix="/api")
app.register_blueprint(bp)
if True:
    from x import y
    def conditional(): pass
`,
  },
  {
    languageId: 'typescript',
    text: `import express, { Router } from 'express';
import * as api from '@opentelemetry/api';
const tracer = api.trace.getTracer('svc');
export const router = Router();
const app = express();
const legacy = require('./legacy');
export default router;
export { router as r };
module.exports = router;
const f = function () {};
const g = async (a: number): Promise<void> => {};
function* gen() {}
export async function h() { tracer.startActiveSpan('h', (s) => s.end()); }
const o = { m() { return 1; }, async *n() {}, get p() { return 2; }, 'q'(x) {}, [k]() {} };
const o2 = {
  method() {},
  async other(x) {},
};
@Controller('users')
export class UsersController {
  private x = () => 1;
  private readonly t = api.trace.getTracer('member');
  @Get(':id')
  find(@Param('id') id: string) { return tracer.startSpan(\`u \${id}\`); }
  static async create() {}
  get total() { return 0; }
  #priv() {}
}
abstract class Base { abstract run(): void; go() {} }
const C = class { m() {} };
router.get('/x', (req, res) => res.send('ok'));
router.route('/y').get(h).post(async function named() {});
app.use('/api', router);
app.setGlobalPrefix('v1');
tracer?.startSpan('opt');
const s = "function nope() { class X {} }";
const emoji = '🎉🎉 ünïcödé'; // astral text: anchors are UTF-16 indexes like the tree's
export function afterEmoji() { tracer.startSpan('after.emoji'); }
// function inComment() {}
`,
  },
  {
    languageId: 'javascript',
    text: `const express = require('express');
const { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('js');
const app = express();
app.get('/a', function named(req, res) { tracer.startActiveSpan('a', (s) => s.end()); });
class K { constructor() {} static s() {} field = () => 1; }
module.exports = { run() { return app; } };
`,
  },
  {
    languageId: 'java',
    text: `package com.acme;
import io.opentelemetry.api.trace.Tracer;
@RestController
@RequestMapping("/api")
public class A {
  private final Tracer tracer = otel.getTracer("a");
  public A() {}
  @GetMapping("/x") public String x() { Span s = tracer.spanBuilder("x").startSpan(); return "class"; }
  static class Inner { void y() { Runnable r = new Runnable() { public void run() { tracer.spanBuilder("anon").startSpan(); } }; } }
  interface I { default void z() {} }
  enum E { ONE; void w() {} }
  record R(int a) { int b() { return a; } }
  // void commented() {}
}
`,
  },
  {
    languageId: 'go',
    text: `package main
import "go.opentelemetry.io/otel"
var tracer = otel.Tracer("svc")
func main() {
	r := chi.NewRouter()
	r.Get("/x", h)
	r.Route("/api", func(r chi.Router) { r.Post("/y", func(w http.ResponseWriter, req *http.Request) {}) })
	http.HandleFunc("/z", h)
	s := "func nope() {}"
}
func (s *Server) h(w http.ResponseWriter, r *http.Request) { ctx, span := tracer.Start(r.Context(), "h"); defer span.End(); _ = ctx }
func Generic[T any](x T) {}
`,
  },
  {
    languageId: 'csharp',
    text: `namespace Shop.Api;
using System.Diagnostics;
public static class Telemetry { public static readonly ActivitySource Source = new ActivitySource("Shop"); }
[ApiController]
[Route("api/[controller]")]
public class UsersController : ControllerBase {
  private static readonly ActivitySource Src = new("x");
  public UsersController() {}
  [HttpGet("{id}")] public async Task<IActionResult> Get(int id) {
    using var a = Src.StartActivity("get");
    int Local(int x) => x;
    static async Task<int> L2() { return 1; }
    return Ok();
  }
  public record struct P(int X);
  private struct S { void M() {} }
  interface IFoo { void Bar(); }
}
`,
  },
  {
    languageId: 'csharp',
    text: `var app = WebApplication.Create();
app.MapGet("/", () => "ok");
var g = app.MapGroup("/g");
g.MapPost<int>("/p", Handle);
string Hello() => "hi";
namespace Block { class B { void C() { } } }
`,
  },
  {
    // Functions after astral and non-ASCII text on their own line, CRLF line ends, a function spanning lines.
    languageId: 'typescript',
    text: `/* 🎉 ünï */ export function afterAstral(a: string) { return '🎉' + a; }\r\nconst crlf = () => {\r\n  return 'é';\r\n};\r\nclass K { /* ✓ */ m() {} }\r\nconst split =\n  async () => 1;\nconst typed: F = /* c */ (x) => x, other = (y) =>\n  y;\nrun(1,\n  () => 2, (z) => z);\n`,
  },
  {
    languageId: 'python',
    text: `x = "🎉"; y = 1\r\ndef after_crlf():\r\n    return "ünï"\r\nclass Ü:\r\n    def método(self): pass\r\nasync  def  spaced():\n    pass\ndef \\\n  continued(): pass\nclass \\\n  Cont: pass\n`,
  },
];

function signature(m: QueryMatch): string {
  return `${m.patternIndex} ${m.captures.map((c) => `${c.name}@${c.node.startIndex}-${c.node.endIndex}`).join(' ')}`;
}

describe('mapping: anchored queries find what the whole-tree query finds', function () {
  this.timeout(30_000);

  it('on every fixture file and on samples written to trip the anchors', async () => {
    const cases: { name: string; languageId: string; text: string }[] = [];
    for (const root of fs.readdirSync(FIXTURES)) {
      for (const rel of await listSourceFiles(path.join(FIXTURES, root))) {
        const file = path.join(FIXTURES, root, rel);
        cases.push({ name: path.join(root, rel), languageId: languageIdForPath(file)!, text: fs.readFileSync(file, 'utf8') });
      }
    }
    SAMPLES.forEach((s, i) => cases.push({ name: `sample ${i + 1} (${s.languageId})`, ...s }));
    await mapper(); // initializes the runtime
    const parsers = new Map<LanguageSpec, { parser: Parser; query: Query }>();
    let compared = 0;
    let positions = 0;
    for (const c of cases) {
      const spec = specFor(c.languageId);
      assert.ok(spec?.anchors, `${c.name}: ${c.languageId} has anchors`);
      const anchors = spec.anchors;
      let p = parsers.get(spec);
      if (!p) {
        const language = await Language.load(path.join(defaultWasmDir(), spec.grammar));
        const parser = new Parser();
        parser.setLanguage(language);
        p = { parser, query: new Query(language, spec.query) };
        parsers.set(spec, p);
      }
      const tree = p.parser.parse(c.text)!;
      try {
        assert.equal(tree.rootNode.hasError, false, `${c.name} parses without errors`);
        const whole = p.query.matches(tree.rootNode).map(signature).sort();
        const anchored = anchoredMatches(tree.rootNode, p.query, c.text, anchors).map(signature).sort();
        assert.deepEqual(anchored, whole, c.name);
        assert.ok(whole.length > 0 || c.text.trim() === '', `${c.name} has matches`);
        compared += whole.length;
        // Ranges computed from text indexes (line starts, name lengths) are tree-sitter's own positions.
        const doc = await (await mapper()).parseDocument({ languageId: c.languageId, path: c.name, text: c.text });
        for (const f of doc.functions) {
          for (const r of [f.range, f.nameRange]) {
            const n = tree.rootNode.descendantForPosition({ row: r.start.line, column: r.start.column }, { row: r.end.line, column: r.end.column })!;
            const at = (p: { row: number; column: number }) => ({ line: p.row, column: p.column });
            assert.deepEqual({ start: at(n.startPosition), end: at(n.endPosition) }, r, `${c.name}: ${f.qualifiedName}`);
            positions++;
          }
        }
      } finally {
        tree.delete();
      }
    }
    for (const p of parsers.values()) {
      p.query.delete();
      p.parser.delete();
    }
    assert.ok(compared > 200, `compared ${compared} matches`);
    assert.ok(positions > 200, `compared ${positions} ranges`);
  });

  it('a class left open while typing (an ERROR node) still has its methods: the whole tree is queried then', async () => {
    const m = await mapper();
    const java = await m.mapDocument({
      languageId: 'java',
      path: 'src/main/java/com/acme/A.java',
      text: `package com.acme;\npublic class A {\n  public int one() { return 1; }\n  public int two() {\n    Span s = tracer.spanBuilder("two").startSpan();\n    return 2;\n`,
    });
    const cs = await m.mapDocument({
      languageId: 'csharp',
      path: 'A.cs',
      text: `namespace Acme;\npublic class A {\n  public int One() => 1;\n  public int Two() {\n    using var a = Source.StartActivity("two");\n    return 2;\n  }\n`,
    });
    assert.equal(java.hasErrors, true);
    assert.equal(cs.hasErrors, true);
    assert.deepEqual(
      [...java.functions, ...cs.functions].map((f) => `${f.qualifiedName} ${f.spans.map((s) => s.name).join(',')}`),
      // (C#'s recovery loses the open class's name: the methods keep the namespace.)
      ['com.acme.A.one ', 'com.acme.A.two two', 'Acme.One ', 'Acme.Two two'],
    );
  });
});
