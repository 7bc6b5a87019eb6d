// Records the OTLP fixtures in test/fixtures/otlp/ from the real OpenTelemetry JS SDK exporters
// (captured on a loopback server), so they can be regenerated after a workload change:
//   npm run build && node scripts/record-otlp-fixtures.mjs
// The workload is deterministic (seeded ids, fixed times): re-running gives the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const sdk = require(join(root, 'out/test/support/otelSdk.js'));
const { toJaegerJson } = require(join(root, 'out/test/unit/ingest/jaegerFormat.js'));
const dir = join(root, 'test/fixtures/otlp');
mkdirSync(dir, { recursive: true });

const workload = { traces: 3 };
const write = (name, data) => {
  writeFileSync(join(dir, name), data);
  console.log(`wrote test/fixtures/otlp/${name} (${data.length} bytes)`);
};
const capture = (kind, opts = {}) =>
  sdk.captureExports(kind, (url) => sdk.emitWorkload(sdk.makeExporter(kind, url, { gzip: kind !== 'zipkin' }), { ...workload, ...opts }));

const [proto] = await capture('proto');
write('workload.pb', proto);
const [json] = await capture('json');
write('workload.otlp.json', Buffer.from(`${JSON.stringify(JSON.parse(json.toString()), null, 1)}\n`));
// The Collector's file exporter writes one request per line.
const lines = await capture('json', { batchSize: 10 });
write('workload.otlp.ndjson', Buffer.from(lines.map((b) => `${JSON.stringify(JSON.parse(b.toString()))}\n`).join('')));
const [zipkin] = await capture('zipkin');
write('workload.zipkin.json', Buffer.from(`${JSON.stringify(JSON.parse(zipkin.toString()), null, 1)}\n`));
write('workload.jaeger.json', Buffer.from(`${JSON.stringify(toJaegerJson(await sdk.workloadSpans(workload)), null, 1)}\n`));
