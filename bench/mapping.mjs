// Benchmark of the code mapping (src/mapping): generated 5,000-line files, each mapped (parse + query + assemble +
// link) repeatedly after warm-up. Target: ≤ 50 ms per 5,000-line file.
//   npm run bench:mapping                 (builds first)
//   node bench/mapping.mjs [--runs N]     (after a build; `taskset -c 1 node bench/mapping.mjs` pins one core)
//
// Per language a "typical" file (classes/functions with real bodies, routes and spans on some of them, about one
// function per 15–20 lines) and, for Python and TypeScript, the "dense" stress file of earlier runs (a function every
// ~5 lines, a span literal on each). Every timed run maps a text it has not seen (its first line differs), so no
// cache can answer; "parse only" is tree-sitter's bare parse of the same texts in the same run, the floor of a
// cold map. "edit" re-maps after a one-line edit in the middle with the previous tree kept (the editor's path).
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { bundled } from './lib/bundle.mjs';

const require = createRequire(import.meta.url);
// The mapping as it ships (bundled into dist/lazy.js), with the grammars the build copies to dist/.
const { createMapper } = await bundled('src/mapping/index.ts');
const WASM_DIR = new URL('../dist', import.meta.url).pathname;
const { Parser, Language } = require('@vscode/tree-sitter-wasm');

const TARGET_LINES = 5000;
const TARGET_MS = 50;
const WARMUP = 5;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;

/**
 * Whole blocks `block(i)` after the header while they fit, then blank lines up to TARGET_LINES - 1 lines in all
 * (`footer` last; the first line is the run's own comment): a file without syntax errors.
 */
function fill(header, block, footer = []) {
  const lines = [...header];
  for (let i = 0; ; i++) {
    const b = block(i);
    if (lines.length + b.length + footer.length > TARGET_LINES - 1) {
      break;
    }
    lines.push(...b);
  }
  while (lines.length + footer.length < TARGET_LINES - 1) {
    lines.push('');
  }
  return [...lines, ...footer].join('\n') + '\n';
}

const TS_HEADER = [`import { trace } from '@opentelemetry/api';`, `import { Router } from 'express';`, ``, `const tracer = trace.getTracer('bench');`, `export const router = Router();`, ``];

const typical = {
  python: () =>
    fill(['import os', 'from fastapi import APIRouter', 'from opentelemetry import trace', '', 'tracer = trace.get_tracer(__name__)', 'router = APIRouter(prefix="/items")', ''], (i) => [
      `class Repository${i}:`,
      `    """Rows of table t${i}."""`,
      ``,
      `    def __init__(self, db):`,
      `        self.db = db`,
      `        self.cache = {}`,
      ``,
      `    def find(self, key, default=None):`,
      `        if key in self.cache:`,
      `            return self.cache[key]`,
      `        rows = self.db.execute("SELECT * FROM t${i} WHERE k = ?", (key,))`,
      `        for row in rows:`,
      `            if row.valid and row.score > 0.5:`,
      `                self.cache[key] = row`,
      `                return row`,
      `            elif row.score < 0:`,
      `                raise ValueError(f"bad row {row.id}")`,
      `        return default`,
      ``,
      `    def load(self, keys):`,
      `        with tracer.start_as_current_span("repository${i}.load"):`,
      `            found = [self.find(k) for k in keys]`,
      `            total = sum(r.amount * 2 for r in found if r is not None)`,
      `            os.environ.get("LIMIT", str(total))`,
      `            return found`,
      ``,
      ``,
      `@router.get("/${i}/{item_id}")`,
      `async def get_item_${i}(item_id: int):`,
      `    repo = Repository${i}(None)`,
      `    item = repo.find(item_id)`,
      `    if item is None:`,
      `        return {"error": "not found", "id": item_id}`,
      `    return {"id": item_id, "item": item}`,
      ``,
      ``,
    ]),
  typescript: () =>
    fill(TS_HEADER, (i) => [
      `export class Store${i} {`,
      `  private readonly rows = new Map<string, { id: string; amount: number }>();`,
      ``,
      `  constructor(private readonly db: { query(sql: string, args: unknown[]): Promise<unknown[]> }) {}`,
      ``,
      `  async find(id: string): Promise<{ id: string; amount: number } | undefined> {`,
      `    const cached = this.rows.get(id);`,
      `    if (cached) {`,
      `      return cached;`,
      `    }`,
      `    return tracer.startActiveSpan('store${i}.find', async (span) => {`,
      `      try {`,
      `        const [row] = (await this.db.query('SELECT * FROM t${i} WHERE id = $1', [id])) as { id: string; amount: number }[];`,
      `        if (row && row.amount > 0) {`,
      `          this.rows.set(id, row);`,
      `        }`,
      `        return row;`,
      `      } finally {`,
      `        span.end();`,
      `      }`,
      `    });`,
      `  }`,
      `}`,
      ``,
      `export async function handler${i}(req: { params: { id: string } }, res: { json(v: unknown): void; status(n: number): void }) {`,
      `  const item = await new Store${i}({ query: async () => [] }).find(req.params.id);`,
      `  if (!item) {`,
      `    res.status(404);`,
      `  }`,
      `  res.json({ item, total: [item].filter(Boolean).length });`,
      `}`,
      `router.get('/items${i}/:id', handler${i});`,
      ``,
    ]),
  java: () =>
    fill(
      [
        'package com.acme.bench;',
        '',
        'import io.opentelemetry.api.GlobalOpenTelemetry;',
        'import io.opentelemetry.api.trace.Span;',
        'import io.opentelemetry.api.trace.Tracer;',
        'import org.springframework.web.bind.annotation.*;',
        '',
        '@RestController',
        '@RequestMapping("/api")',
        'public class ItemController {',
        '    private static final Tracer tracer = GlobalOpenTelemetry.getTracer("com.acme.bench");',
        '',
      ],
      (i) => [
        `    @GetMapping("/items${i}/{id}")`,
        `    public Item get${i}(@PathVariable long id) {`,
        `        Item cached = cache.get(id);`,
        `        if (cached != null && cached.amount() > 0) {`,
        `            return cached;`,
        `        }`,
        `        return load${i}(id);`,
        `    }`,
        ``,
        `    private Item load${i}(long id) {`,
        `        Span span = tracer.spanBuilder("items${i}.load").startSpan();`,
        `        try {`,
        `            for (Item row : repository.findAll("t${i}", id)) {`,
        `                if (row.valid()) {`,
        `                    cache.put(id, row);`,
        `                    return row;`,
        `                }`,
        `            }`,
        `            throw new IllegalStateException("no row " + id);`,
        `        } finally {`,
        `            span.end();`,
        `        }`,
        `    }`,
        ``,
      ],
      ['}'],
    ),
  go: () =>
    fill(
      [
        'package items',
        '',
        'import (',
        '\t"context"',
        '\t"net/http"',
        '',
        '\t"github.com/go-chi/chi/v5"',
        '\t"go.opentelemetry.io/otel"',
        ')',
        '',
        'var tracer = otel.Tracer("bench/items")',
        '',
      ],
      (i) => [
        `type Store${i} struct{ rows map[string]int }`,
        ``,
        `func (s *Store${i}) Find(ctx context.Context, id string) (int, error) {`,
        `\tctx, span := tracer.Start(ctx, "store${i}.find")`,
        `\tdefer span.End()`,
        `\tif v, ok := s.rows[id]; ok && v > 0 {`,
        `\t\treturn v, nil`,
        `\t}`,
        `\tfor k, v := range s.rows {`,
        `\t\tif k == id {`,
        `\t\t\treturn v * 2, nil`,
        `\t\t}`,
        `\t}`,
        `\treturn 0, ctx.Err()`,
        `}`,
        ``,
        `func Handler${i}(w http.ResponseWriter, r *http.Request) {`,
        `\tv, err := (&Store${i}{}).Find(r.Context(), chi.URLParam(r, "id"))`,
        `\tif err != nil {`,
        `\t\thttp.Error(w, err.Error(), http.StatusInternalServerError)`,
        `\t\treturn`,
        `\t}`,
        `\t_ = v`,
        `}`,
        ``,
        `func Routes${i}(r chi.Router) {`,
        `\tr.Get("/items${i}/{id}", Handler${i})`,
        `}`,
        ``,
      ],
    ),
  csharp: () =>
    fill(
      [
        'using System.Diagnostics;',
        'using Microsoft.AspNetCore.Mvc;',
        '',
        'namespace Acme.Bench;',
        '',
        '[ApiController]',
        '[Route("api/[controller]")]',
        'public class ItemsController : ControllerBase',
        '{',
        '    private static readonly ActivitySource Source = new("Acme.Bench");',
        '',
      ],
      (i) => [
        `    [HttpGet("items${i}/{id}")]`,
        `    public async Task<IActionResult> Get${i}(int id)`,
        `    {`,
        `        var item = await Load${i}(id);`,
        `        if (item is null)`,
        `        {`,
        `            return NotFound();`,
        `        }`,
        `        return Ok(item);`,
        `    }`,
        ``,
        `    private async Task<Item?> Load${i}(int id)`,
        `    {`,
        `        using var activity = Source.StartActivity("items${i}.load");`,
        `        foreach (var row in await _repository.FindAsync("t${i}", id))`,
        `        {`,
        `            if (row.Valid && row.Amount > 0)`,
        `            {`,
        `                return row;`,
        `            }`,
        `        }`,
        `        return null;`,
        `    }`,
        ``,
      ],
      ['}'],
    ),
};

const dense = {
  python: () =>
    fill(['from fastapi import APIRouter', 'from opentelemetry import trace', '', 'tracer = trace.get_tracer(__name__)', 'router = APIRouter(prefix="/items")', ''], (i) => [
      `class Service${i}:`,
      `    def __init__(self, repo):`,
      `        self.repo = repo`,
      ``,
      `    @tracer.start_as_current_span("service${i}.load")`,
      `    def load(self, item_id: int) -> dict:`,
      `        with tracer.start_as_current_span(f"service${i}.query {item_id}"):`,
      `            rows = self.repo.find(item_id)`,
      `        return {"id": item_id, "rows": [r for r in rows if r]}`,
      ``,
      `@router.get("/${i}/{item_id}")`,
      `async def get_item_${i}(item_id: int):`,
      `    return Service${i}(None).load(item_id)`,
      ``,
    ]),
  typescript: () =>
    fill(TS_HEADER, (i) => [
      `export class Store${i} {`,
      `  private readonly rows = new Map<string, number>();`,
      `  async find(id: string): Promise<number | undefined> {`,
      `    return tracer.startActiveSpan('store${i}.find', async (span) => {`,
      `      try {`,
      `        return this.rows.get(id);`,
      `      } finally {`,
      `        span.end();`,
      `      }`,
      `    });`,
      `  }`,
      `}`,
      `export async function handler${i}(req: { params: { id: string } }, res: { json(v: unknown): void }) {`,
      `  res.json(await new Store${i}().find(req.params.id));`,
      `}`,
      `router.get('/items${i}/:id', handler${i});`,
      ``,
    ]),
};

const COMMENT = { python: '#', typescript: '//', java: '//', go: '//', csharp: '//' };
const EXT = { python: 'py', typescript: 'ts', java: 'java', go: 'go', csharp: 'cs' };
const GRAMMAR = { python: 'tree-sitter-python.wasm', typescript: 'tree-sitter-typescript.wasm', java: 'tree-sitter-java.wasm', go: 'tree-sitter-go.wasm', csharp: 'tree-sitter-c-sharp.wasm' };

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

/** The body with a first line no earlier run has seen. */
const fresh = (languageId, body, i) => `${COMMENT[languageId]} bench run ${i}\n${body}`;

async function timeMaps(mapper, c, count, offset, extra = {}) {
  const samples = [];
  let doc;
  for (let i = 0; i < count; i++) {
    const text = fresh(c.languageId, c.body, offset + i);
    const s = performance.now();
    doc = await mapper.mapDocument({ languageId: c.languageId, path: c.path, text, ...extra });
    samples.push(performance.now() - s);
  }
  return { samples, doc };
}

async function parseOnly(c) {
  const parser = new Parser();
  parser.setLanguage(await Language.load(`${WASM_DIR}/${GRAMMAR[c.languageId]}`));
  const samples = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const text = fresh(c.languageId, c.body, 10_000 + i);
    const s = performance.now();
    parser.parse(text).delete();
    if (i >= WARMUP) {
      samples.push(performance.now() - s);
    }
  }
  parser.delete();
  return stats(samples);
}

const cases = [
  ...Object.entries(typical).map(([languageId, gen]) => ({ name: `${languageId} typical`, languageId, body: gen() })),
  ...Object.entries(dense).map(([languageId, gen]) => ({ name: `${languageId} dense`, languageId, body: gen() })),
].map((c) => ({ ...c, path: `bench/items.${EXT[c.languageId]}` }));

const t0 = performance.now();
const mapper = await createMapper({ wasmDir: WASM_DIR });
// The baseline's own tree-sitter runtime (the package as installed; the mapper has its bundled copy).
await Parser.init({ locateFile: (file) => `${WASM_DIR}/${file}` });
await mapper.preload(Object.keys(GRAMMAR));
const initMs = performance.now() - t0;
console.log(`SpanLens mapping benchmark — node ${process.version}, ${process.platform}/${process.arch}, load average ${loadavg()[0].toFixed(2)}, ${RUNS} runs after ${WARMUP} warm-up`);
console.log(`mapper init (runtime + ${Object.keys(GRAMMAR).length} grammars + queries): ${initMs.toFixed(1)} ms`);
console.log(
  'file                     lines  functions  spans  routes   first ms   min ms   p50 ms   p95 ms   max ms  parse-only p50 (baseline)   edit p50  edit p95   target',
);
const results = [];
let failed = false;
for (const c of cases) {
  const { samples: firstSample } = await timeMaps(mapper, c, 1, 0);
  await timeMaps(mapper, c, WARMUP, 1);
  const { samples, doc } = await timeMaps(mapper, c, RUNS, 100);
  const st = stats(samples);
  const base = await parseOnly(c);
  // The editor re-maps the open document on each change: one-line edits in the middle, incremental re-parse.
  const lines = fresh(c.languageId, c.body, 0).split('\n');
  const mid = Math.floor(lines.length / 2);
  const edited = (i) => [...lines.slice(0, mid), `${COMMENT[c.languageId]} edit ${i}`, ...lines.slice(mid + 1)].join('\n');
  await mapper.mapDocument({ languageId: c.languageId, path: c.path, text: edited(-1), incremental: true });
  const inc = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const text = edited(i);
    const s = performance.now();
    await mapper.mapDocument({ languageId: c.languageId, path: c.path, text, incremental: true });
    if (i >= WARMUP) {
      inc.push(performance.now() - s);
    }
  }
  mapper.forget(c.path);
  const ist = stats(inc);
  const spans = doc.functions.reduce((n, f) => n + f.spans.length, 0);
  const ok = st.p50 <= TARGET_MS;
  failed ||= !ok;
  const lineCount = fresh(c.languageId, c.body, 0).split('\n').length - 1;
  results.push({ file: c.name, lines: lineCount, functions: doc.functions.length, spans, routes: doc.routes.length, firstMs: firstSample[0], ...st, parseOnlyP50: base.p50, editP50: ist.p50, editP95: ist.p95 });
  console.log(
    `${c.name.padEnd(24)} ${String(lineCount).padStart(5)}  ${String(doc.functions.length).padStart(9)}  ${String(spans).padStart(5)}  ${String(doc.routes.length).padStart(6)}` +
      `  ${firstSample[0].toFixed(1).padStart(9)}  ${st.min.toFixed(1).padStart(7)}  ${st.p50.toFixed(1).padStart(7)}  ${st.p95.toFixed(1).padStart(7)}  ${st.max.toFixed(1).padStart(7)}` +
      `  ${base.p50.toFixed(1).padStart(9)} ms (${(st.p50 / base.p50).toFixed(2)}×)     ${ist.p50.toFixed(1).padStart(8)}  ${ist.p95.toFixed(1).padStart(8)}   ${ok ? `≤ ${TARGET_MS} ms ok` : `> ${TARGET_MS} ms MISSED`}`,
  );
}
mapper.dispose();
console.log(JSON.stringify({ targetMs: TARGET_MS, runs: RUNS, loadAverage: loadavg()[0], initMs, rows: results }));
process.exitCode = failed ? 1 : 0;
