import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpanLensConfig } from '../../../src/config';
import { declaredInsightSettings, engineConfigFile, insightsSection } from '../../../src/engineClient/insightSettings';
import { DEFAULT_INSIGHT_CONFIG, resolveInsightConfig } from '../../../src/engine/insights/config';
import { emitWorkload, makeExporter } from '../../support/otelSdk';
import type { EngineProcess } from '../../support/engineProcess';
import { FAST_TRACES, startEngineProcess, waitFor } from '../../support/engineProcess';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
  contributes: { configuration: { title: string; properties: Record<string, { default: unknown }> }[] };
};
const declared = declaredInsightSettings(manifest);
const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);

/** What `configuration.get()` gives the extension: `spanlens.insights.*` as nested objects. */
function settings(overrides: Record<string, unknown> = {}): SpanLensConfig {
  const insights: Record<string, unknown> = {};
  for (const p of declared) {
    const parts = p.split('.');
    let node = insights;
    for (const k of parts.slice(0, -1)) {
      node = (node[k] ??= {}) as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = overrides[p] ?? manifest.contributes.configuration.flatMap((s) => Object.entries(s.properties)).find(([k]) => k === `spanlens.insights.${p}`)![1].default;
  }
  return {
    engine: { host: '127.0.0.1', otlpHttpPort: 0, otlpGrpcPort: 0, storagePath: '', retentionDays: 7, maxStorageMB: 512 },
    codeLens: { enabled: true, minSeverity: 'medium', template: '' },
    hover: { enabled: true },
    insights,
  };
}

describe('insight settings forwarded to the engine', () => {
  it('declares the thresholds users tune in a titled Insights section, with the engine defaults', () => {
    const section = manifest.contributes.configuration.find((s) => s.title === 'Insights');
    assert.ok(section);
    assert.deepEqual(Object.keys(section.properties).sort(), declared.map((p) => `spanlens.insights.${p}`));
    for (const p of ['nPlusOne.minRepeats', 'bottleneck.minShare', 'durationChange.minChange', 'slowEndpoint.minP50Ms', 'errorHotspot.minErrorRate']) {
      assert.ok(declared.includes(p), p);
    }
    for (const p of declared) {
      assert.equal(typeof at(DEFAULT_INSIGHT_CONFIG, p), 'number', `spanlens.insights.${p} is no InsightConfig threshold`);
      assert.equal(section.properties[`spanlens.insights.${p}`].default, at(DEFAULT_INSIGHT_CONFIG, p), `default of spanlens.insights.${p}`);
    }
  });

  it('maps the settings onto the engine config file section, which the engine accepts as they are', () => {
    const file = engineConfigFile(settings(), declared);
    assert.deepEqual(file.engine, { retentionDays: 7, maxStorageMB: 512 });
    assert.deepEqual(resolveInsightConfig(file.insights), DEFAULT_INSIGHT_CONFIG);
    const changed = resolveInsightConfig(engineConfigFile(settings({ 'nPlusOne.minRepeats': 3, 'bottleneck.minShare': 0.6, minTracesForActive: 2 }), declared).insights);
    assert.deepEqual(changed, { ...DEFAULT_INSIGHT_CONFIG, minTracesForActive: 2, nPlusOne: { ...DEFAULT_INSIGHT_CONFIG.nPlusOne, minRepeats: 3 }, bottleneck: { ...DEFAULT_INSIGHT_CONFIG.bottleneck, minShare: 0.6 } });
  });

  it('leaves out values the engine would refuse and keys the manifest does not declare', () => {
    assert.deepEqual(insightsSection({ nPlusOne: { minRepeats: 'many', minTraceShare: -1 }, bottleneck: { minShare: 0.5 }, unknown: { x: 1 } }, declared), { bottleneck: { minShare: 0.5 } });
    assert.deepEqual(insightsSection({ 'nPlusOne.minRepeats': 7 }, declared), { nPlusOne: { minRepeats: 7 } });
    assert.deepEqual(insightsSection(undefined, declared), {});
  });

  describe('through the real engine', function () {
    this.timeout(60_000);
    const engines: EngineProcess[] = [];
    after(async () => {
      for (const e of engines) {
        await e.stop();
        e.cleanup();
      }
    });

    /** An engine started with the file the extension writes; the SDK workload repeats its query 4 times per order. */
    async function engineWith(overrides: Record<string, unknown>): Promise<EngineProcess> {
      const file = engineConfigFile(settings(overrides), declared);
      const e = await startEngineProcess({ config: { ...file, engine: { ...file.engine, ...FAST_TRACES } } });
      engines.push(e);
      await emitWorkload(makeExporter('proto', `http://127.0.0.1:${e.state.otlpHttpPort}/v1/traces`), { traces: 12, dbCallsPerOrder: 4 });
      return e;
    }

    it('raises N+1 at 4 repeats with nPlusOne.minRepeats 3, and not with the default 5 (near miss)', async () => {
      const [lowered, standard] = await Promise.all([engineWith({ 'nPlusOne.minRepeats': 3 }), engineWith({})]);
      const types = async (e: EngineProcess): Promise<string[]> => (await e.client.insights({ fresh: true, limit: 10_000 })).insights.map((i) => `${i.type} ${i.codeObject}`);
      let got: string[] = [];
      await waitFor(async () => (got = await types(lowered)).some((t) => t.startsWith('nPlusOne ')), 'nPlusOne with minRepeats 3');
      assert.ok(got.includes('nPlusOne span:orders:orders-instrumentation:SELECT shop.items'), got.join('\n'));
      // The editor learns of new insights from /stats (EngineService.poll).
      assert.ok(((await lowered.client.stats()).insightsVersion ?? 0) >= 1);
      // The default engine has analysed the same assembled traces (their endpoint breakdown is there) without an N+1.
      await waitFor(async () => (got = await types(standard)).some((t) => t.startsWith('breakdown endpoint:orders:')), 'assembled traces on the default engine');
      assert.deepEqual(got.filter((t) => t.startsWith('nPlusOne ')), []);
    });
  });
});
