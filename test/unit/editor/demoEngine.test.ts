import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shiftDemoFiles } from '../../../src/engineClient/demoData';
import { EngineSupervisor } from '../../../src/engineClient/engineSupervisor';
import type { EngineConnection } from '../../../src/engineClient/engineSupervisor';
import type { DocumentMap } from '../../../src/providers/codeMap';
import { fetchEndpoints, fetchStatementInsights, lookupDocument } from '../../../src/providers/engineLookup';
import { buildHoverMarkdown } from '../../../src/providers/hoverMarkdown';
import type { FunctionData } from '../../../src/providers/lensModel';
import { figuresLensTitle, insightLensTitle, planLenses } from '../../../src/providers/lensModel';
import { createDocumentMapper } from '../../../src/providers/mapperAdapter';

const ENGINE = process.env.SPANLENS_ENGINE_JS ?? path.resolve('dist', 'engine.js');
const WS = path.join('demo', 'workspace');

/**
 * The editor's data path end to end, outside VS Code: the demo traces (recorded with the OTel JS SDK)
 * go into the real engine over OTLP/HTTP; the demo workspace files are mapped; lookup, lens plan,
 * titles and hover text come from the engine's answers.
 */
describe('editor data path against the real engine with the demo traces', function () {
  this.timeout(90_000);
  let storage: string;
  let sup: EngineSupervisor;
  let conn: EngineConnection;
  const mapper = createDocumentMapper(path.resolve('dist'));

  async function fileData(rel: string): Promise<{ map: DocumentMap; fns: Map<string, FunctionData> }> {
    const languageId = rel.endsWith('.py') ? 'python' : 'typescript';
    const map = await mapper.mapDocument({ languageId, text: fs.readFileSync(path.join(WS, rel), 'utf8'), path: rel });
    const text = fs.readFileSync(path.join(WS, rel), 'utf8');
    const data = await lookupDocument(conn.api, map, { endpoints: () => fetchEndpoints(conn.api), text, statementInsights: () => fetchStatementInsights(conn.api) });
    return { map, fns: new Map(data.map((d) => [d.fn.name, d])) };
  }

  before(async function () {
    if (spawnSync(process.execPath, [ENGINE, 'serve', '--help']).status !== 0) {
      this.skip(); // the engine's `serve` is not in this build yet
    }
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-demo-engine-'));
    sup = new EngineSupervisor({ enginePath: ENGINE, storageDir: storage, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => undefined });
    conn = await sup.ensureStarted();
    const dir = path.join('media', 'demo');
    const names = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    const texts = shiftDemoFiles(names.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')), Date.now());
    let spans = 0;
    for (const t of texts) {
      const res = await fetch(`http://127.0.0.1:${conn.state.otlpHttpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: t });
      assert.equal(res.status, 200, await res.text());
      spans += (t.match(/"spanId"/g) ?? []).length;
    }
    const end = Date.now() + 30_000;
    while ((await conn.api.stats()).spansStored < spans) {
      assert.ok(Date.now() < end, 'engine stored the demo spans in time');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async () => {
    await sup?.dispose();
    if (storage) {
      fs.rmSync(storage, { recursive: true, force: true });
    }
  });

  it('maps Python functions to their spans, code.* function objects and FastAPI endpoints', async () => {
    const repo = await fileData('python-api/app/repository.py');
    const ids = repo.fns.get('list_orders')?.codeObjects.map((c) => c.id).sort();
    assert.deepEqual(ids, ['fn:app.repository.OrderRepository.list_orders', 'span:orders-api:app.repository:load_orders']);
    const main = await fileData('python-api/app/main.py');
    assert.deepEqual(main.fns.get('get_user_orders')?.codeObjects.map((c) => c.id), ['endpoint:orders-api:GET /users/{user_id}/orders']);
    assert.deepEqual(main.fns.get('create_token')?.codeObjects.map((c) => c.id), ['endpoint:orders-api:POST /token']);
  });

  it('maps TypeScript functions through code.* and Express routes', async () => {
    const server = await fileData('ts-service/src/server.ts');
    assert.deepEqual(server.fns.get('checkout')?.codeObjects.map((c) => c.id).sort(), ['endpoint:checkout-service:POST /checkout', 'fn:server.checkout']);
    const pricing = await fileData('ts-service/src/pricing.ts');
    assert.deepEqual(pricing.fns.get('priceCart')?.codeObjects.map((c) => c.id).sort(), ['fn:pricing.priceCart', 'span:checkout-service:checkout-service.pricing:price_cart']);
  });

  it('titles the figures lens and the hover from the engine statistics', async () => {
    const inv = await fileData('ts-service/src/inventory.ts');
    const plans = planLenses([...inv.fns.values()], { minSeverity: 'medium', maxInsightLenses: 2, engineHasData: true });
    const figures = plans.find((p) => p.kind === 'figures' && p.fn.name === 'lookupStock');
    assert.ok(figures && figures.kind === 'figures');
    const stats = await conn.api.codeObjectStats(figures.primary.id);
    assert.equal(stats.count, figures.primary.count);
    // the planted slow path: warehouse SKUs take ~1 s, the rest ~20 ms
    assert.ok(stats.durationMs.p50 < 100 && stats.durationMs.p99 > 500, JSON.stringify(stats.durationMs));
    assert.match(figuresLensTitle(stats, 'p95 ${p95} · ${errorRate} errors · ${rate}/min'), /^\$\(pulse\) p95 \d+ ms · 0% errors · [\d.]+\/min$/);
    const md = buildHoverMarkdown({ label: 'inventory.lookupStock', stats, insights: inv.fns.get('lookupStock')?.insights ?? [], exceptions: [], target: { label: 'x', codeObjects: [figures.primary.id] } });
    assert.match(md, /\| p50 \| p95 \| p99 \| errors \| calls \|/);
  });

  it('shows the planted N+1 on list_orders, where its query is written', async function () {
    if (!(await conn.api.health()).insightsEngine) {
      this.skip(); // this engine build computes only the descriptive insights
    }
    // The analyzers run once traces are quiet: wait for the N+1 to be raised.
    const end = Date.now() + 45_000;
    while (!(await conn.api.insights({ minSeverity: 'low', limit: 5000 }, { timeoutMs: 15_000 })).insights.some((i) => i.type === 'nPlusOne')) {
      assert.ok(Date.now() < end, 'the engine raised the planted N+1 in time');
      await new Promise((r) => setTimeout(r, 500));
    }
    const repo = await fileData('python-api/app/repository.py');
    const plans = planLenses([...repo.fns.values()], { minSeverity: 'low', maxInsightLenses: 3, engineHasData: true });
    const titles = plans.filter((p) => p.fn.name === 'list_orders' && p.kind === 'insight').map((p) => (p.kind === 'insight' ? insightLensTitle(p.insight) : ''));
    assert.ok(titles.some((t) => /N\+1/.test(t)), titles.join(' | '));
  });
});
