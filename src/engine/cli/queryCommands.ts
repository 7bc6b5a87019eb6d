/**
 * CLI commands that read or feed the store through the query API: import, stats, insights, runs,
 * compare, export. They use the running engine when there is one, else open the store themselves.
 */
import { resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { ImportFormat } from '../../shared/api';
import { ENGINE_NAME } from '../../shared/constants';
import { ApiClientError } from '../api/client';
import { COMMON_HELP, configFrom, outputFormat, parse, UsageError } from './args';
import type { CliIO, Command } from './command';
import type { EngineAccess } from './engineAccess';
import { openEngine } from './engineAccess';
import type { OptionSpec, Parsed } from './args';

const ms = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(v >= 10 ? 0 : 2)}ms`);

function table(rows: string[][]): string {
  if (rows.length === 0) {
    return '';
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

interface QuerySpec {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  positionals: boolean;
  body(p: Parsed, engine: EngineAccess, format: string, io: CliIO): Promise<number>;
}

function queryCommand(spec: QuerySpec): Command {
  const help = `${ENGINE_NAME} ${spec.usage}\n\n${spec.summary}\n\nOptions:\n${COMMON_HELP}`;
  return {
    name: spec.name,
    summary: spec.summary,
    help,
    async run(argv, io) {
      const p = parse(argv, spec.options, spec.positionals);
      if (p.values.help) {
        io.out(help);
        return 0;
      }
      const format = outputFormat(p);
      const config = configFrom(p);
      const engine = await openEngine(config);
      try {
        return await spec.body(p, engine, format, io);
      } catch (e) {
        if (e instanceof ApiClientError && e.status < 500) {
          io.err(`${ENGINE_NAME} ${spec.name}: ${e.message}`);
          return 2;
        }
        throw e;
      } finally {
        await engine.close();
      }
    },
  };
}

export const importCommand = queryCommand({
  name: 'import',
  summary: 'import trace files (OTLP JSON / NDJSON, Jaeger UI JSON, Zipkin v2 JSON; auto-detected)',
  usage: 'import FILE… [--import-format auto|otlp-json|otlp-protobuf|jaeger|zipkin] [--run ID]\n  --import-format F    force the file format\n  --run ID             file the spans under this run (default: a new run per file)',
  options: { 'import-format': { type: 'string' }, run: { type: 'string' } },
  positionals: true,
  async body(p, engine, format, io) {
    if (p.positionals.length === 0) {
      throw new UsageError('import needs at least one FILE');
    }
    const f = (p.values['import-format'] as string | undefined) ?? 'auto';
    if (!['auto', 'otlp-json', 'otlp-protobuf', 'jaeger', 'zipkin'].includes(f)) {
      throw new UsageError(`--import-format must be auto, otlp-json, otlp-protobuf, jaeger or zipkin`);
    }
    const results = [];
    for (const file of p.positionals) {
      const r = await engine.client.import({ path: resolve(file), format: f as ImportFormat | 'auto', ...(typeof p.values.run === 'string' ? { runId: p.values.run } : {}) });
      results.push({ file, ...r });
      if (format === 'text') {
        io.out(`${file}: ${r.spans} spans in ${r.traces} traces (${r.format}) → run ${r.runId}${r.rejected ? `, ${r.rejected} rejected` : ''}`);
      }
    }
    if (format === 'json') {
      io.out(JSON.stringify(results, null, 2));
    }
    return 0;
  },
});

export const statsCommand = queryCommand({
  name: 'stats',
  summary: 'ingest statistics and the busiest code objects',
  usage: 'stats [--service NAME] [--limit N]',
  options: { service: { type: 'string' }, limit: { type: 'string' } },
  positionals: false,
  async body(p, engine, format, io) {
    const limit = Number(p.values.limit ?? 20);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new UsageError('--limit must be a positive integer');
    }
    const stats = await engine.client.stats();
    const cos = (await engine.client.codeObjects({ service: p.values.service as string | undefined, limit })).codeObjects;
    if (format === 'json') {
      io.out(JSON.stringify({ stats, codeObjects: cos }, null, 2));
      return 0;
    }
    io.out(`spans stored ${stats.spansStored}, rejected ${stats.spansRejected}, requests ${stats.requests}, traces ${stats.traces}, services ${stats.services}, code objects ${stats.codeObjects}, ${stats.ingestRatePerSec.toFixed(1)} spans/s`);
    const rows = [['CODE OBJECT', 'CALLS', 'ERRORS', 'P50', 'P95']];
    for (const co of cos) {
      const s = await engine.client.codeObjectStats(co.id).catch(() => undefined);
      rows.push([co.id, String(co.count), String(co.errors), s ? ms(s.durationMs.p50) : '-', s ? ms(s.durationMs.p95) : '-']);
    }
    io.out(table(rows));
    return 0;
  },
});

export const insightsCommand = queryCommand({
  name: 'insights',
  summary: 'insights, most severe first (all, for code objects, or for a file)',
  usage: 'insights [--file PATH] [--keys K1,K2] [--min-severity S] [--limit N] [--run ID]',
  options: { file: { type: 'string' }, keys: { type: 'string' }, 'min-severity': { type: 'string' }, limit: { type: 'string' }, run: { type: 'string' } },
  positionals: false,
  async body(p, engine, format, io) {
    // A one-shot command: wait for an evaluation that includes everything the engine has (a local
    // engine has not evaluated anything yet when the query arrives).
    const q: Parameters<EngineAccess['client']['insights']>[0] = { fresh: true };
    if (typeof p.values.file === 'string') {
      q.file = p.values.file;
    }
    if (typeof p.values.keys === 'string') {
      q.keys = p.values.keys.split(',');
    }
    if (typeof p.values['min-severity'] === 'string') {
      q.minSeverity = p.values['min-severity'];
    }
    if (typeof p.values.limit === 'string') {
      q.limit = Number(p.values.limit);
    }
    if (typeof p.values.run === 'string') {
      q.run = p.values.run;
    }
    const { insights } = await engine.client.insights(q);
    if (format === 'json') {
      io.out(JSON.stringify(insights, null, 2));
      return 0;
    }
    io.out(insights.length === 0 ? 'no insights' : table([['SEVERITY', 'TYPE', 'CODE OBJECT', 'TITLE'], ...insights.map((i) => [i.severity, i.type, i.codeObject, i.title])]));
    return 0;
  },
});

export const runsCommand = queryCommand({
  name: 'runs',
  summary: 'runs (from spanlens.run.id, VCS revision, service.version, imports), newest first',
  usage: 'runs',
  options: {},
  positionals: false,
  async body(_p, engine, format, io) {
    const { runs } = await engine.client.runs();
    if (format === 'json') {
      io.out(JSON.stringify(runs, null, 2));
      return 0;
    }
    io.out(runs.length === 0 ? 'no runs' : table([['RUN', 'SOURCE', 'SPANS', 'SERVICES', 'LAST SEEN'], ...runs.map((r) => [r.id, r.source, String(r.spans), r.services.join(','), new Date(r.lastSeen).toISOString()])]));
    return 0;
  },
});

export const exportCommand = queryCommand({
  name: 'export',
  summary: 'export code objects with their statistics and insights as JSON',
  usage: 'export [--out FILE] [--run ID]',
  options: { out: { type: 'string' }, run: { type: 'string' } },
  positionals: false,
  async body(p, engine, _format, io) {
    const run = typeof p.values.run === 'string' ? p.values.run : undefined;
    const { codeObjects } = await engine.client.codeObjects(run ? { run } : {});
    const stats = [];
    for (const co of codeObjects) {
      const s = await engine.client.codeObjectStats(co.id, run ? { run } : {}).catch(() => undefined);
      if (s) {
        stats.push(s);
      }
    }
    const doc = { exportedAt: new Date().toISOString(), runs: (await engine.client.runs()).runs, stats, insights: (await engine.client.insights(run ? { run } : { fresh: true })).insights };
    const text = JSON.stringify(doc, null, 2);
    if (typeof p.values.out === 'string') {
      writeFileSync(p.values.out, text);
      io.out(`wrote ${stats.length} code objects to ${p.values.out}`);
    } else {
      io.out(text);
    }
    return 0;
  },
});
