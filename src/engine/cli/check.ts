/**
 * `spanlens-engine check --baseline RUN --candidate RUN [--max-regression 20%] [--fail-on TYPES]
 *  [--format text|json|junit|markdown] [--storage DIR]`
 * Compares two runs and exits 1 with a readable report when a code object got slower beyond the
 * threshold (significantly, when there are enough samples to test) or when the candidate has an
 * insight of a listed type; 0 otherwise; 2 on usage or input errors.
 */
import type { CompareResponse, CompareRow, Insight, InsightType } from '../../shared/api';
import { INSIGHT_TYPES } from '../../shared/api';

/** Two runs compared, with every insight of the candidate run. */
export interface RunComparison {
  comparison: CompareResponse;
  candidateInsights: Insight[];
}

export interface CliDeps {
  /**
   * Compares two runs of the storage folder (`--storage DIR`, or the default one when undefined):
   * through the running engine's API, or an engine opened for the command. Rejects with a message
   * for unknown runs or an unreadable storage.
   */
  compare(storage: string | undefined, baseline: string, candidate: string): Promise<RunComparison>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--name value` and `--name=value` flags; repeated flags keep the last; no positional arguments. */
export function parseFlags(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      throw new UsageError(`unexpected argument '${a}'`);
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (name === 'help') {
      out.set('help', 'true');
      continue;
    }
    if (!known.includes(name)) {
      throw new UsageError(`unknown option '--${name}'`);
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) {
      throw new UsageError(`option '--${name}' needs a value`);
    }
    out.set(name, value);
  }
  return out;
}

/** `20%`, `0.2` or `20` (a bare number above 1 is a percentage) → 0.2. */
export function parseRatio(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(s.trim());
  if (!m) {
    throw new UsageError(`'${s}' is not a percentage (e.g. 20%)`);
  }
  const v = Number(m[1]);
  return m[2] === '%' || v > 1 ? v / 100 : v;
}

export function parseTypes(s: string): InsightType[] {
  const types = s.split(',').map((t) => t.trim()).filter((t) => t);
  for (const t of types) {
    if (!(INSIGHT_TYPES as readonly string[]).includes(t)) {
      throw new UsageError(`unknown insight type '${t}'; one of: ${INSIGHT_TYPES.join(', ')}`);
    }
  }
  return types as InsightType[];
}

export type ReportFormat = 'text' | 'json' | 'junit' | 'markdown';

export function parseFormat(s: string | undefined, allowed: readonly ReportFormat[]): ReportFormat {
  const f = (s ?? 'text') as ReportFormat;
  if (!allowed.includes(f)) {
    throw new UsageError(`unknown format '${s}'; one of: ${allowed.join(', ')}`);
  }
  return f;
}

export interface CheckReport {
  passed: boolean;
  baseline: string;
  candidate: string;
  maxRegression: number;
  failOn: InsightType[];
  /** Rows slower than the threshold and significant (or untestable: too few samples). */
  regressions: CompareRow[];
  /** Candidate insights of a `--fail-on` type. */
  failingInsights: Insight[];
  /** Slower than the threshold but not significant: reported, not failing. */
  warnings: CompareRow[];
  comparison: CompareResponse;
}

/** `candidateInsights`: every insight of the candidate run (a listed type fails even when not new). */
export function buildCheckReport(cmp: CompareResponse, candidateInsights: readonly Insight[], maxRegression: number, failOn: InsightType[]): CheckReport {
  const slower = cmp.rows.filter((r) => Math.max(r.p50Change, r.p95Change) > maxRegression);
  const regressions = slower.filter((r) => r.significant);
  const warnings = slower.filter((r) => !r.significant);
  const failingInsights = candidateInsights.filter((i) => failOn.includes(i.type) && i.status !== 'possibly-fixed');
  return {
    passed: regressions.length === 0 && failingInsights.length === 0,
    baseline: cmp.baseline.id,
    candidate: cmp.candidate.id,
    maxRegression,
    failOn,
    regressions,
    failingInsights,
    warnings,
    comparison: cmp,
  };
}

const pct = (x: number): string => `${x > 0 ? '+' : ''}${Math.round(x * 100)}%`;
const ms = (x: number): string => (x >= 100 ? `${Math.round(x)} ms` : `${Math.round(x * 100) / 100} ms`);
const pv = (p: number | null): string => (p === null ? 'n/a' : p < 0.0001 ? p.toExponential(1) : String(Math.round(p * 10000) / 10000));

function rowLine(r: CompareRow): string {
  return `${r.name} [${r.service}]: p50 ${ms(r.baseline.p50Ms)} → ${ms(r.candidate.p50Ms)} (${pct(r.p50Change)}), p95 ${ms(r.baseline.p95Ms)} → ${ms(r.candidate.p95Ms)} (${pct(r.p95Change)}), p=${pv(r.pValue)}, ${r.candidate.count} calls`;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function formatCheckReport(rep: CheckReport, format: ReportFormat): string {
  const head = `SpanLens check: ${rep.candidate} vs ${rep.baseline} (max regression ${Math.round(rep.maxRegression * 100)}%${rep.failOn.length ? `, fail on ${rep.failOn.join(', ')}` : ''})`;
  switch (format) {
    case 'json':
      return JSON.stringify(rep, null, 2) + '\n';
    case 'junit': {
      const cases: string[] = [];
      for (const r of rep.comparison.rows) {
        const bad = rep.regressions.includes(r);
        cases.push(
          `    <testcase classname="spanlens.regression" name="${xml(r.codeObject)}">` +
            (bad ? `<failure message="${xml(`slower: ${pct(Math.max(r.p50Change, r.p95Change))}`)}">${xml(rowLine(r))}</failure>` : '') +
            '</testcase>',
        );
      }
      for (const t of rep.failOn) {
        const hits = rep.failingInsights.filter((i) => i.type === t);
        cases.push(
          `    <testcase classname="spanlens.insight" name="${xml(t)}">` +
            (hits.length ? `<failure message="${xml(`${hits.length} ${t} insight(s)`)}">${xml(hits.map((i) => `${i.codeObject}: ${i.title}`).join('\n'))}</failure>` : '') +
            '</testcase>',
        );
      }
      const failures = rep.regressions.length + rep.failOn.filter((t) => rep.failingInsights.some((i) => i.type === t)).length;
      return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="spanlens check" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
    }
    case 'markdown': {
      const lines = [`## ${rep.passed ? '✅' : '❌'} ${head}`, ''];
      if (rep.regressions.length) {
        lines.push('### Regressions', '', '| code object | p50 | p95 | p-value | calls |', '|---|---|---|---|---|');
        for (const r of rep.regressions) {
          lines.push(`| \`${r.name}\` | ${ms(r.baseline.p50Ms)} → ${ms(r.candidate.p50Ms)} (${pct(r.p50Change)}) | ${ms(r.baseline.p95Ms)} → ${ms(r.candidate.p95Ms)} (${pct(r.p95Change)}) | ${pv(r.pValue)} | ${r.candidate.count} |`);
        }
        lines.push('');
      }
      if (rep.failingInsights.length) {
        lines.push('### Insights', '');
        for (const i of rep.failingInsights) {
          lines.push(`- **${i.type}** \`${i.codeObject}\`: ${i.title}`);
        }
        lines.push('');
      }
      if (rep.warnings.length) {
        lines.push('### Slower but not significant', '');
        for (const r of rep.warnings) {
          lines.push(`- ${rowLine(r)}`);
        }
        lines.push('');
      }
      if (rep.passed) {
        lines.push(`No regression beyond ${Math.round(rep.maxRegression * 100)}% in ${rep.comparison.rows.length} code objects.`);
      }
      return lines.join('\n') + '\n';
    }
    default: {
      const lines = [head, ''];
      for (const r of rep.regressions) {
        lines.push(`REGRESSION ${rowLine(r)}`);
      }
      for (const i of rep.failingInsights) {
        lines.push(`INSIGHT    ${i.type} on ${i.codeObject}: ${i.title}`);
      }
      for (const r of rep.warnings) {
        lines.push(`warning    ${rowLine(r)} (not significant)`);
      }
      for (const i of rep.comparison.fixedInsights) {
        lines.push(`fixed?     ${i.type} on ${i.codeObject}: ${i.title}`);
      }
      lines.push('', rep.passed ? `PASSED: ${rep.comparison.rows.length} code objects compared, no regression beyond ${Math.round(rep.maxRegression * 100)}%.` : `FAILED: ${rep.regressions.length} regression(s), ${rep.failingInsights.length} failing insight(s).`);
      return lines.join('\n') + '\n';
    }
  }
}

export const CHECK_USAGE = `spanlens-engine check --baseline RUN --candidate RUN [options]

Fails (exit 1) when the candidate run is slower than the baseline beyond a threshold, or has an
insight of a listed type. Exit 0 when it passes, 2 on usage or input errors.

Options:
  --baseline RUN          run id to compare against (see \`spanlens-engine runs\`)
  --candidate RUN         run id under test
  --max-regression PCT    largest accepted p50/p95 slow-down of a code object (default 20%)
  --fail-on TYPES         comma-separated insight types that fail the check (e.g. nPlusOne,bottleneck)
  --format FORMAT         text | json | junit | markdown (default text)
  --storage DIR           the engine's storage folder
`;

/** Opens the runs, compares them, prints the report; returns the exit code. */
export async function runCheck(argv: readonly string[], deps: CliDeps): Promise<number> {
  let flags: Map<string, string>;
  let format: ReportFormat;
  let maxRegression: number;
  let failOn: InsightType[];
  try {
    flags = parseFlags(argv, ['baseline', 'candidate', 'max-regression', 'fail-on', 'format', 'storage']);
    if (flags.has('help')) {
      deps.stdout(CHECK_USAGE);
      return 0;
    }
    format = parseFormat(flags.get('format'), ['text', 'json', 'junit', 'markdown']);
    maxRegression = parseRatio(flags.get('max-regression') ?? '20%');
    failOn = flags.has('fail-on') ? parseTypes(flags.get('fail-on')!) : [];
    if (!flags.get('baseline') || !flags.get('candidate')) {
      throw new UsageError('--baseline and --candidate are required');
    }
  } catch (e) {
    deps.stderr(`spanlens-engine check: ${(e as Error).message}\n\n${CHECK_USAGE}`);
    return 2;
  }
  const cmp = await compareFromSource(flags.get('storage'), flags.get('baseline')!, flags.get('candidate')!, deps, 'check');
  if (typeof cmp === 'number') {
    return cmp;
  }
  const rep = buildCheckReport(cmp.comparison, cmp.candidateInsights, maxRegression, failOn);
  deps.stdout(formatCheckReport(rep, format));
  return rep.passed ? 0 : 1;
}

/** Compares through `deps`; on an error prints it and gives exit code 2 (unknown run, no storage). */
export async function compareFromSource(storage: string | undefined, baseline: string, candidate: string, deps: CliDeps, command: string): Promise<RunComparison | number> {
  try {
    return await deps.compare(storage, baseline, candidate);
  } catch (e) {
    deps.stderr(`spanlens-engine ${command}: ${(e as Error).message}\n`);
    return 2;
  }
}
