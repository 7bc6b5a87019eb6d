/**
 * Bounded sample of exemplar traces per code object: the slowest, the latest with errors, and a
 * uniform random sample (reservoir) — what the trace view shows. A trace is stored once however many
 * code objects keep it, and deleted when none does.
 */
import type { TraceSpanDto } from '../../shared/api';
import type { SqlDb } from './sqlite';

export type ExemplarRole = 'slowest' | 'error' | 'random';
export const EXEMPLAR_ROLES: readonly ExemplarRole[] = ['slowest', 'error', 'random'];

export interface Exemplar {
  traceId: string;
  durationMs: number;
  error: boolean;
  /** Start of the call (ms epoch). */
  t: number;
}

interface Sets {
  slowest: Exemplar[];
  error: Exemplar[];
  random: Exemplar[];
  /** Calls offered (and loaded). */
  seen: number;
  /** The random role's next replacement: at this `seen` (0 until its reservoir is full), and its `w`. */
  nextAt: number;
  w: number;
  dirty: boolean;
}

export class ExemplarSampler {
  private sets = new Map<number, Sets>();
  private refs = new Map<string, number>();
  /**
   * Traces to write at the next checkpoint (new, or grown by late spans), with their run. Their
   * spans are converted only when read: most traces kept by a role (the latest errors above all)
   * are replaced before the next checkpoint, and then were never converted.
   */
  private toWrite = new Map<string, { run: string; spans: () => TraceSpanDto[] }>();
  private toDelete = new Set<string>();

  constructor(
    private readonly perRole: number,
    private readonly random: () => number = Math.random,
  ) {}

  load(db: SqlDb): void {
    this.sets.clear();
    this.refs.clear();
    for (const r of db.stmt('SELECT * FROM exemplars').all()) {
      const s = this.setOf(Number(r.co));
      const e: Exemplar = { traceId: String(r.trace_id), durationMs: Number(r.duration_ms), error: Number(r.error) === 1, t: Number(r.t) };
      s[r.role as ExemplarRole].push(e);
      s.seen++;
      this.refs.set(e.traceId, (this.refs.get(e.traceId) ?? 0) + 1);
    }
    for (const s of this.sets.values()) {
      s.slowest.sort((a, b) => b.durationMs - a.durationMs);
      if (this.perRole > 0 && s.random.length >= this.perRole) {
        this.skipAhead(s, this.perRole);
      }
      s.dirty = false;
    }
  }

  private setOf(co: number): Sets {
    let s = this.sets.get(co);
    if (!s) {
      s = { slowest: [], error: [], random: [], seen: 0, nextAt: 0, w: 0, dirty: false };
      this.sets.set(co, s);
    }
    return s;
  }

  isKept(traceId: string): boolean {
    return (this.refs.get(traceId) ?? 0) > 0;
  }

  /**
   * Offers one call of a code object from an assembled trace. Returns true when this offer kept the
   * trace in some role (the caller, knowing whether it was kept before, hands its spans to
   * `keepTrace`). Runs for every code object of every assembled trace, so the usual call, kept by no
   * role, costs a few comparisons: the lists are searched only when a role would take it.
   */
  offer(co: number, traceId: string, durationMs: number, error: boolean, t: number): boolean {
    // Created only when some role keeps the call.
    let e: Exemplar | undefined;
    const s = this.setOf(co);
    const n = this.perRole;
    let kept = false;
    // Slowest: a sorted top-n.
    const slowest = s.slowest;
    if ((slowest.length < n || durationMs > slowest[slowest.length - 1].durationMs) && !holds(slowest, traceId)) {
      let i = slowest.length;
      while (i > 0 && slowest[i - 1].durationMs < durationMs) {
        i--;
      }
      slowest.splice(i, 0, (e ??= { traceId, durationMs, error, t }));
      if (slowest.length > n) {
        this.release(slowest.pop()!.traceId);
      }
      this.retain(traceId);
      kept = true;
    }
    // Errors: the latest n.
    if (error && !holds(s.error, traceId)) {
      s.error.push((e ??= { traceId, durationMs, error, t }));
      if (s.error.length > n) {
        this.release(s.error.shift()!.traceId);
      }
      this.retain(traceId);
      kept = true;
    }
    // Random: a uniform sample of every call seen (reservoir sampling, Li's algorithm L: the number
    // of calls to skip before the next replacement is drawn at once, so most calls draw nothing).
    s.seen++;
    if (s.random.length < n) {
      if (!holds(s.random, traceId)) {
        s.random.push(e ?? { traceId, durationMs, error, t });
        this.retain(traceId);
        kept = true;
        if (s.random.length === n) {
          this.skipAhead(s, n);
        }
      }
    } else if (n > 0 && s.seen >= s.nextAt) {
      if (s.nextAt > 0 && !holds(s.random, traceId)) {
        const j = Math.floor(this.random() * n);
        this.release(s.random[j].traceId);
        s.random[j] = e ?? { traceId, durationMs, error, t };
        this.retain(traceId);
        kept = true;
      }
      this.skipAhead(s, n);
    }
    if (kept) {
      s.dirty = true;
    }
    return kept;
  }

  /**
   * Draws the call at which the full reservoir `s.random` takes its next one (algorithm L; `nextAt`
   * 0: the reservoir has just filled up).
   */
  private skipAhead(s: Sets, n: number): void {
    // 1 - random() is in (0, 1]: no log(0).
    const draw = (): number => Math.log(1 - this.random());
    s.w = (s.nextAt > 0 ? s.w : 1) * Math.exp(draw() / n);
    const skip = Math.floor(draw() / Math.log1p(-s.w));
    // A NaN or infinite skip (w at 0 or 1 after a draw of exactly 0 or 1) clamps to its limit.
    s.nextAt = s.seen + 1 + (skip >= 0 ? Math.min(skip, 2 ** 52) : 0);
  }

  /** Keeps a trace: `spans` gives its spans when it is read or written. */
  keepTrace(traceId: string, run: string, spans: () => TraceSpanDto[]): void {
    this.toWrite.set(traceId, { run, spans });
    this.toDelete.delete(traceId);
  }

  /** A kept trace not yet written (the trace view reads it from here until the checkpoint). */
  pendingTrace(traceId: string): TraceSpanDto[] | undefined {
    return this.toWrite.get(traceId)?.spans();
  }

  private retain(traceId: string): void {
    this.refs.set(traceId, (this.refs.get(traceId) ?? 0) + 1);
  }

  private release(traceId: string): void {
    const n = (this.refs.get(traceId) ?? 1) - 1;
    if (n <= 0) {
      this.refs.delete(traceId);
      this.toWrite.delete(traceId);
      this.toDelete.add(traceId);
    } else {
      this.refs.set(traceId, n);
    }
  }

  exemplars(co: number): Record<ExemplarRole, Exemplar[]> {
    const s = this.sets.get(co);
    return { slowest: [...(s?.slowest ?? [])], error: [...(s?.error ?? [])], random: [...(s?.random ?? [])] };
  }

  save(db: SqlDb, now: number): void {
    const del = db.stmt('DELETE FROM exemplars WHERE co = ?');
    const ins = db.stmt('INSERT OR REPLACE INTO exemplars (co, role, trace_id, duration_ms, error, t) VALUES (?, ?, ?, ?, ?, ?)');
    for (const [co, s] of this.sets) {
      if (!s.dirty) {
        continue;
      }
      del.run(co);
      for (const role of EXEMPLAR_ROLES) {
        for (const e of s[role]) {
          ins.run(co, role, e.traceId, e.durationMs, e.error ? 1 : 0, e.t);
        }
      }
      s.dirty = false;
    }
    const put = db.stmt('INSERT OR REPLACE INTO traces (trace_id, run, stored, spans) VALUES (?, ?, ?, ?)');
    for (const [id, t] of this.toWrite) {
      if (this.isKept(id)) {
        put.run(id, t.run, now, JSON.stringify(t.spans()));
      }
    }
    this.toWrite.clear();
    const drop = db.stmt('DELETE FROM traces WHERE trace_id = ?');
    for (const id of this.toDelete) {
      if (!this.isKept(id)) {
        drop.run(id);
      }
    }
    this.toDelete.clear();
  }

  /** Forgets the exemplars of code objects removed by retention (their rows are already gone). */
  dropCodeObjects(nos: number[]): void {
    for (const no of nos) {
      const s = this.sets.get(no);
      if (s) {
        for (const role of EXEMPLAR_ROLES) {
          for (const e of s[role]) {
            this.release(e.traceId);
          }
        }
        this.sets.delete(no);
      }
    }
  }

  clear(): void {
    this.sets.clear();
    this.refs.clear();
    this.toWrite.clear();
    this.toDelete.clear();
  }
}

function holds(list: Exemplar[], traceId: string): boolean {
  for (const x of list) {
    if (x.traceId === traceId) {
      return true;
    }
  }
  return false;
}
