/**
 * An in-memory AggregateReader over assembled traces, for analyzer tests: exact statistics per code
 * object (keys derived exactly as the analyzers derive them), per window and per run.
 */
import type { CodeObject, CodeObjectStats, RunInfo } from '../../../src/shared/api';
import { keyKind } from '../../../src/shared/keys';
import type { AggregateReader, AssembledTrace, StatsWindow } from '../../../src/engine/model';
import { quantileSorted } from '../../../src/engine/insights/stats';
import type { Execution } from '../../../src/engine/insights/traceFacts';
import { extractTraceFacts } from '../../../src/engine/insights/traceFacts';

const BOUNDS: number[] = [];
for (let e = -2; e <= 5; e++) {
  for (const m of [1, 2, 5]) {
    BOUNDS.push(m * 10 ** e);
  }
}

export class MemoryReader implements AggregateReader {
  private readonly traces = new Map<string, AssembledTrace>();
  private execs: Execution[] | undefined;
  private cos: CodeObject[] | undefined;
  private byKey: Map<string, Execution[]> | undefined;

  constructor(traces: Iterable<AssembledTrace> = []) {
    this.add(traces);
  }

  add(traces: Iterable<AssembledTrace>): this {
    for (const t of traces) {
      this.traces.set(t.traceId, t);
    }
    this.execs = undefined;
    this.cos = undefined;
    this.byKey = undefined;
    return this;
  }

  private executions(): Execution[] {
    this.execs ??= [...this.traces.values()].flatMap((t) => extractTraceFacts(t).executions());
    return this.execs;
  }

  codeObjects(): CodeObject[] {
    this.cos ??= this.buildCodeObjects();
    return this.cos;
  }

  private buildCodeObjects(): CodeObject[] {
    const m = new Map<string, CodeObject>();
    for (const e of this.executions()) {
      const t = e.startUs / 1000;
      const co = m.get(e.key);
      if (co) {
        co.count++;
        co.errors += e.error ? 1 : 0;
        co.firstSeen = Math.min(co.firstSeen, t);
        co.lastSeen = Math.max(co.lastSeen, t);
      } else {
        const parts = e.key.split(':');
        m.set(e.key, {
          id: e.key,
          kind: keyKind(e.key),
          service: e.key.startsWith('fn:') ? '' : parts[1],
          ...(e.key.startsWith('span:') ? { scope: parts[2] } : {}),
          name: e.key.startsWith('span:') ? parts.slice(3).join(':') : parts.slice(2).join(':'),
          count: 1,
          errors: e.error ? 1 : 0,
          firstSeen: t,
          lastSeen: t,
        });
      }
    }
    return [...m.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  stats(codeObject: string, window: StatsWindow = {}): CodeObjectStats | undefined {
    if (!this.byKey) {
      this.byKey = new Map();
      for (const e of this.executions()) {
        const list = this.byKey.get(e.key);
        if (list) {
          list.push(e);
        } else {
          this.byKey.set(e.key, [e]);
        }
      }
    }
    const list = (this.byKey.get(codeObject) ?? []).filter(
      (e) =>
        (window.runId === undefined || e.runId === window.runId) &&
        (window.fromMs === undefined || e.startUs / 1000 >= window.fromMs) &&
        (window.toMs === undefined || e.startUs / 1000 < window.toMs),
    );
    if (list.length === 0) {
      return undefined;
    }
    const co = this.codeObjects().find((c) => c.id === codeObject)!;
    const durs = list.map((e) => e.durUs / 1000).sort((a, b) => a - b);
    const q = (p: number): number => quantileSorted(durs, p);
    const errors = list.filter((e) => e.error).length;
    const minutes = new Map<number, Execution[]>();
    for (const e of list) {
      const m = Math.floor(e.startUs / 60_000_000) * 60_000;
      minutes.set(m, [...(minutes.get(m) ?? []), e]);
    }
    const ms = [...minutes.keys()].sort((a, b) => a - b);
    const span = (ms[ms.length - 1] - ms[0]) / 60_000 + 1;
    const counts = BOUNDS.map(() => 0);
    for (const d of durs) {
      const i = BOUNDS.findIndex((b) => d <= b);
      counts[i < 0 ? BOUNDS.length - 1 : i]++;
    }
    return {
      codeObject: co,
      count: list.length,
      errors,
      errorRate: errors / list.length,
      ratePerMin: { mean: list.length / span, max: Math.max(...[...minutes.values()].map((l) => l.length)) },
      durationMs: { mean: durs.reduce((a, b) => a + b, 0) / durs.length, p50: q(0.5), p75: q(0.75), p95: q(0.95), p99: q(0.99), max: durs[durs.length - 1] },
      histogram: { bounds: BOUNDS, counts },
      series: ms.map((t) => {
        const d = minutes.get(t)!.map((e) => e.durUs / 1000).sort((a, b) => a - b);
        return { t, count: d.length, errors: minutes.get(t)!.filter((e) => e.error).length, p50Ms: quantileSorted(d, 0.5), p95Ms: quantileSorted(d, 0.95) };
      }),
      lastCall: Math.max(...list.map((e) => e.startUs / 1000)),
    };
  }

  runs(): RunInfo[] {
    const m = new Map<string, RunInfo>();
    for (const t of this.traces.values()) {
      const start = Math.min(...t.spans.map((s) => s.startUs / 1000));
      const r = m.get(t.runId) ?? { id: t.runId, label: t.runId, source: t.runId === 'default' ? 'default' : 'explicit', services: [], spans: 0, firstSeen: start, lastSeen: start };
      r.spans += t.spans.length;
      r.firstSeen = Math.min(r.firstSeen, start);
      r.lastSeen = Math.max(r.lastSeen, start);
      for (const s of t.spans) {
        if (!r.services.includes(s.resource.serviceName)) {
          r.services.push(s.resource.serviceName);
        }
      }
      m.set(t.runId, r);
    }
    return [...m.values()].sort((a, b) => a.firstSeen - b.firstSeen);
  }
}
