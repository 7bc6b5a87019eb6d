// Benchmark of the code mapping (src/mapping): a generated 5,000-line Python file and a 5,000-line TypeScript file,
// each mapped (parse + query + assemble + link) repeatedly after warm-up. Target: ≤ 50 ms per file.
//   npm run bench:mapping            (builds out/ first)
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { createMapper, defaultWasmDir } = require('../out/src/mapping/index.js');
const { Parser, Language } = require('@vscode/tree-sitter-wasm');

const TARGET_LINES = 5000;
const WARMUP = 5;
const RUNS = 30;

function pythonFile() {
  const lines = ['from fastapi import APIRouter', 'from opentelemetry import trace', '', 'tracer = trace.get_tracer(__name__)', 'router = APIRouter(prefix="/items")', ''];
  for (let i = 0; lines.length < TARGET_LINES; i++) {
    lines.push(
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
    );
  }
  return lines.slice(0, TARGET_LINES).join('\n') + '\n';
}

function typescriptFile() {
  const lines = [`import { trace } from '@opentelemetry/api';`, `import { Router } from 'express';`, ``, `const tracer = trace.getTracer('bench');`, `export const router = Router();`, ``];
  for (let i = 0; lines.length < TARGET_LINES; i++) {
    lines.push(
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
    );
  }
  return lines.slice(0, TARGET_LINES).join('\n') + '\n';
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

const t0 = performance.now();
const mapper = await createMapper();
await mapper.preload(['python', 'typescript']);
const initMs = performance.now() - t0;

const cases = [
  { name: 'python 5,000 lines', languageId: 'python', path: 'bench/items.py', text: pythonFile() },
  { name: 'typescript 5,000 lines', languageId: 'typescript', path: 'bench/items.ts', text: typescriptFile() },
];
console.log(`SpanLens mapping benchmark — node ${process.version}, ${process.platform}/${process.arch}`);
console.log(`mapper init (runtime + 2 grammars + queries): ${initMs.toFixed(1)} ms`);
/** Same-run baseline: tree-sitter parsing alone (no queries, no mapping) of the same text, p50 over RUNS. */
async function parseOnly(c) {
  const grammar = { python: 'tree-sitter-python.wasm', typescript: 'tree-sitter-typescript.wasm' }[c.languageId];
  const parser = new Parser();
  parser.setLanguage(await Language.load(`${defaultWasmDir()}/${grammar}`));
  const samples = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const s = performance.now();
    parser.parse(c.text).delete();
    if (i >= WARMUP) {
      samples.push(performance.now() - s);
    }
  }
  parser.delete();
  return stats(samples);
}

console.log('file                     lines  functions  spans  routes   first ms   min ms   p50 ms   p95 ms   max ms  parse-only p50 (baseline)  target');
let failed = false;
for (const c of cases) {
  const f0 = performance.now();
  let doc = await mapper.mapDocument(c);
  const first = performance.now() - f0;
  for (let i = 0; i < WARMUP; i++) {
    doc = await mapper.mapDocument(c);
  }
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    doc = await mapper.mapDocument(c);
    samples.push(performance.now() - s);
  }
  const st = stats(samples);
  const base = await parseOnly(c);
  // The editor re-maps the open document on each change: one-line edits in the middle, incremental re-parse.
  const lines = c.text.split('\n');
  const mid = Math.floor(lines.length / 2);
  const edited = (i) => [...lines.slice(0, mid), `${lines[mid]} # edit ${i}`.replace(/ # /, c.languageId === 'python' ? ' # ' : ' // '), ...lines.slice(mid + 1)].join('\n');
  await mapper.mapDocument({ ...c, incremental: true });
  const inc = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const text = edited(i);
    const s = performance.now();
    await mapper.mapDocument({ ...c, text, incremental: true });
    if (i >= WARMUP) {
      inc.push(performance.now() - s);
    }
  }
  const ist = stats(inc);
  const spans = doc.functions.reduce((n, f) => n + f.spans.length, 0);
  const ok = st.p50 <= 50;
  failed ||= !ok;
  console.log(
    `${c.name.padEnd(24)} ${String(c.text.split('\n').length - 1).padStart(5)}  ${String(doc.functions.length).padStart(9)}  ${String(spans).padStart(5)}  ${String(doc.routes.length).padStart(6)}` +
      `  ${first.toFixed(1).padStart(9)}  ${st.min.toFixed(1).padStart(7)}  ${st.p50.toFixed(1).padStart(7)}  ${st.p95.toFixed(1).padStart(7)}  ${st.max.toFixed(1).padStart(7)}  ${base.p50.toFixed(1).padStart(9)} ms (${(st.p50 / base.p50).toFixed(2)}×)     ${ok ? '≤ 50 ms ok' : '> 50 ms MISSED'}`,
  );
  console.log(`${''.padEnd(24)} after a one-line edit (incremental re-parse): p50 ${ist.p50.toFixed(1)} ms, p95 ${ist.p95.toFixed(1)} ms`);
}
mapper.dispose();
process.exitCode = failed ? 1 : 0;
