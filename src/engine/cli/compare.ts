/**
 * `spanlens-engine compare --baseline RUN --candidate RUN [--format text|json|markdown] [--limit N] [--storage DIR]`
 * Prints every code object of both runs with its change and significance, by impact, and the
 * insights new in the candidate or gone from it. Exit 0, or 2 on usage or input errors.
 */
import type { CompareResponse } from '../../shared/api';
import type { CliDeps, ReportFormat } from './check';
import { compareFromSource, parseFlags, parseFormat, UsageError } from './check';

export const COMPARE_USAGE = `spanlens-engine compare --baseline RUN --candidate RUN [options]

Compares two runs: every code object present in both with its p50/p95/error-rate change and
significance, sorted by impact (change × calls), and new and vanished insights.

Options:
  --baseline RUN     the earlier run
  --candidate RUN    the later run
  --format FORMAT    text | json | markdown (default text)
  --limit N          rows to print (default 20; json prints all)
  --storage DIR      the engine's storage folder
`;

const pct = (x: number): string => `${x > 0 ? '+' : ''}${Math.round(x * 100)}%`;
const ms = (x: number): string => (x >= 100 ? `${Math.round(x)}` : `${Math.round(x * 100) / 100}`);

export function formatComparison(cmp: CompareResponse, format: ReportFormat, limit: number): string {
  if (format === 'json') {
    return JSON.stringify(cmp, null, 2) + '\n';
  }
  const rows = cmp.rows.slice(0, limit);
  const md = format === 'markdown';
  const lines: string[] = [md ? `## SpanLens: ${cmp.candidate.label} vs ${cmp.baseline.label}` : `SpanLens compare: ${cmp.candidate.id} vs ${cmp.baseline.id}`, ''];
  const header = ['code object', 'p50 ms', 'p95 ms', 'errors', 'calls', 'p-value', 'impact'];
  const table = rows.map((r) => [
    r.name,
    `${ms(r.baseline.p50Ms)} → ${ms(r.candidate.p50Ms)} (${pct(r.p50Change)})`,
    `${ms(r.baseline.p95Ms)} → ${ms(r.candidate.p95Ms)} (${pct(r.p95Change)})`,
    `${pct(r.errorRateChange)}`,
    `${r.baseline.count} → ${r.candidate.count}`,
    r.pValue === null ? 'n/a' : `${r.pValue < 0.0001 ? r.pValue.toExponential(1) : Math.round(r.pValue * 10000) / 10000}${r.significant ? ' *' : ''}`,
    `${Math.round(r.impact * 10) / 10}`,
  ]);
  if (md) {
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...table.map((t) => `| ${t.join(' | ')} |`));
  } else {
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
    const fmt = (t: string[]): string => t.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    lines.push(fmt(header), ...table.map(fmt));
  }
  if (cmp.rows.length > rows.length) {
    lines.push(`… ${cmp.rows.length - rows.length} more`);
  }
  lines.push('');
  for (const i of cmp.newInsights) {
    lines.push(`${md ? '- ' : ''}new:            ${i.type} on ${i.codeObject}: ${i.title}`);
  }
  for (const i of cmp.fixedInsights) {
    lines.push(`${md ? '- ' : ''}possibly fixed: ${i.type} on ${i.codeObject}: ${i.title}`);
  }
  return lines.join('\n') + '\n';
}

export async function runCompare(argv: readonly string[], deps: CliDeps): Promise<number> {
  let flags: Map<string, string>;
  let format: ReportFormat;
  let limit: number;
  try {
    flags = parseFlags(argv, ['baseline', 'candidate', 'format', 'limit', 'storage']);
    if (flags.has('help')) {
      deps.stdout(COMPARE_USAGE);
      return 0;
    }
    format = parseFormat(flags.get('format'), ['text', 'json', 'markdown']);
    limit = Number(flags.get('limit') ?? '20');
    if (!Number.isInteger(limit) || limit < 1) {
      throw new UsageError(`--limit must be a positive integer, got '${flags.get('limit')}'`);
    }
    if (!flags.get('baseline') || !flags.get('candidate')) {
      throw new UsageError('--baseline and --candidate are required');
    }
  } catch (e) {
    deps.stderr(`spanlens-engine compare: ${(e as Error).message}\n\n${COMPARE_USAGE}`);
    return 2;
  }
  const res = await compareFromSource(flags.get('storage'), flags.get('baseline')!, flags.get('candidate')!, deps, 'compare');
  if (typeof res === 'number') {
    return res;
  }
  deps.stdout(formatComparison(res.comparison, format, limit));
  return 0;
}
