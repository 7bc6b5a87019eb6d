/**
 * Run comparison from the aggregates: every code object with data in both runs, with p50/p95 and
 * error-rate change, sorted by impact (relative p50 change × calls in the candidate run).
 */
import type { CompareRow } from '../../shared/api';
import type { AggregateReader } from '../model';

export function compareRuns(reader: AggregateReader, baseline: string, candidate: string): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const co of reader.codeObjects()) {
    const a = reader.stats(co.id, { runId: baseline });
    const b = reader.stats(co.id, { runId: candidate });
    if (!a || !b) {
      continue;
    }
    const rel = (x: number, y: number): number => (x === 0 ? (y === 0 ? 0 : 1) : (y - x) / x);
    const p50Change = rel(a.durationMs.p50, b.durationMs.p50);
    rows.push({
      codeObject: co.id,
      name: co.name,
      service: co.service,
      baseline: { count: a.count, p50Ms: a.durationMs.p50, p95Ms: a.durationMs.p95, errorRate: a.errorRate },
      candidate: { count: b.count, p50Ms: b.durationMs.p50, p95Ms: b.durationMs.p95, errorRate: b.errorRate },
      p50Change,
      p95Change: rel(a.durationMs.p95, b.durationMs.p95),
      errorRateChange: b.errorRate - a.errorRate,
      pValue: null,
      significant: false,
      impact: p50Change * b.count,
    });
  }
  return rows.sort((x, y) => Math.abs(y.impact) - Math.abs(x.impact));
}
