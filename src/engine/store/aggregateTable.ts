/**
 * Aggregate rows per code object × bucket × run. New calls go into in-memory delta buckets; each
 * checkpoint merges the deltas into the `agg` table. Reads merge table rows with the deltas, so a
 * query sees every acknowledged span at once. Minute rows older than the roll-up age are merged into
 * hour rows.
 */
import { AggBucket } from '../aggregates/bucket';
import { DurationSketch } from '../aggregates/durationSketch';
import type { StatsWindow } from '../model';
import { HOUR_MS, MINUTE_MS } from './schema';
import type { SqlDb, SqlRow } from './sqlite';

export interface BucketRow {
  co: number;
  run: number;
  /** Bucket start (ms epoch). */
  t: number;
  /** Bucket length: MINUTE_MS or HOUR_MS. */
  res: number;
  b: AggBucket;
}

export function decodeBucket(r: SqlRow): AggBucket {
  const b = new AggBucket();
  b.count = Number(r.count);
  b.errors = Number(r.errors);
  b.maxPerMin = Number(r.max_per_min);
  b.activeMinutes = Number(r.active_min);
  b.lastCall = Number(r.last_call);
  b.dur = DurationSketch.decode(r.dur as Uint8Array);
  if (r.self) {
    b.self = DurationSketch.decode(r.self as Uint8Array);
  }
  return b;
}

function rowOf(r: SqlRow): BucketRow {
  const res = Number(r.res) === 60 ? HOUR_MS : MINUTE_MS;
  return { co: Number(r.co), run: Number(r.run), t: Number(r.t), res, b: decodeBucket(r) };
}

const RES_CODE = (res: number): number => (res === HOUR_MS ? 60 : 1);

/** Merged minute rows kept in memory between checkpoints. */
const WRITTEN_ROWS_KEPT = 500;

export class AggregateTable {
  private deltas = new Map<string, BucketRow>();
  private byCo = new Map<number, BucketRow[]>();

  get pendingBuckets(): number {
    return this.deltas.size;
  }

  /** Minute rows as last written, by delta key, oldest write first (see `checkpoint`). */
  private written = new Map<string, AggBucket>();
  /** The delta last used per code object × run: calls of one code object mostly share a minute. */
  private recent = new Map<number, BucketRow>();

  private delta(co: number, run: number, startMs: number): AggBucket {
    const t = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
    const rk = co * 65536 + run;
    const r = this.recent.get(rk);
    if (r !== undefined && r.t === t && r.co === co && r.run === run) {
      return r.b;
    }
    const k = `${co}|${run}|${t}`;
    let d = this.deltas.get(k);
    if (!d) {
      d = { co, run, t, res: MINUTE_MS, b: new AggBucket() };
      this.deltas.set(k, d);
      let list = this.byCo.get(co);
      if (!list) {
        list = [];
        this.byCo.set(co, list);
      }
      list.push(d);
    }
    this.recent.set(rk, d);
    return d.b;
  }

  add(co: number, run: number, startMs: number, durationMs: number, error: boolean, endMs: number): void {
    this.delta(co, run, startMs).add(durationMs, error, endMs);
  }

  addSelf(co: number, run: number, startMs: number, selfMs: number): void {
    this.delta(co, run, startMs).addSelf(selfMs);
  }

  /** A self time counted before is replaced (late children): the old value taken back, the new one added. */
  replaceSelf(co: number, run: number, startMs: number, oldMs: number, newMs: number): void {
    const b = this.delta(co, run, startMs);
    (b.self ??= new DurationSketch()).remove(oldMs);
    b.self.add(newMs);
  }

  /**
   * Merges every delta into the table (inside the caller's transaction) and forgets them. The rows
   * written last are kept merged in memory (a few hundred: the minutes ingest is writing to), so
   * the next checkpoint of the same minute neither reads nor decodes them again.
   */
  checkpoint(db: SqlDb, now: number): void {
    const get = db.stmt('SELECT * FROM agg WHERE co = ? AND t = ? AND run = ? AND res = 1');
    try {
      for (const [k, d] of this.deltas) {
        let b = this.written.get(k);
        if (b) {
          this.written.delete(k);
        } else {
          const existing = get.get(d.co, d.t, d.run);
          b = existing ? decodeBucket(existing) : new AggBucket();
        }
        b.merge(d.b, true);
        this.write(db, { ...d, b }, now);
        this.written.set(k, b);
      }
    } catch (e) {
      this.written.clear();
      throw e;
    }
    for (const k of this.written.keys()) {
      if (this.written.size <= WRITTEN_ROWS_KEPT) {
        break;
      }
      this.written.delete(k);
    }
    this.deltas.clear();
    this.recent.clear();
    this.byCo.clear();
  }

  /** Forgets the rows kept merged in memory (the table changed under them: roll-up, retention, clear). */
  forgetWritten(): void {
    this.written.clear();
  }

  private write(db: SqlDb, r: BucketRow, now: number): void {
    db.stmt(
      `INSERT INTO agg (co, t, run, res, count, errors, max_per_min, active_min, last_call, updated, dur, self)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (co, t, run, res) DO UPDATE SET count = excluded.count, errors = excluded.errors,
         max_per_min = excluded.max_per_min, active_min = excluded.active_min, last_call = excluded.last_call, updated = excluded.updated,
         dur = excluded.dur, self = excluded.self`,
    ).run(r.co, r.t, r.run, RES_CODE(r.res), r.b.count, r.b.errors, r.b.maxPerMin, r.b.activeMinutes, r.b.lastCall, now, r.b.dur.encode(), r.b.self ? r.b.self.encode() : null);
  }

  /** Rows of one code object in a window (runs as numbers), table and deltas, unmerged. */
  rows(db: SqlDb, co: number, window: StatsWindow | undefined, run: number | undefined): BucketRow[] {
    const from = window?.fromMs ?? -8.64e15;
    const to = window?.toMs ?? 8.64e15;
    // An hour bucket is included when it overlaps the window.
    const rows = (
      run === undefined
        ? db.stmt('SELECT * FROM agg WHERE co = ? AND t > ? AND t < ?').all(co, from - HOUR_MS, to)
        : db.stmt('SELECT * FROM agg WHERE co = ? AND t > ? AND t < ? AND run = ?').all(co, from - HOUR_MS, to, run)
    )
      .map(rowOf)
      .filter((r) => r.t + r.res > from);
    for (const d of this.byCo.get(co) ?? []) {
      if ((run === undefined || d.run === run) && d.t + d.res > from && d.t < to) {
        rows.push(d);
      }
    }
    return rows;
  }

  /** Code objects with data in a window (for run/window filtered listings). */
  codeObjectsIn(db: SqlDb, window: StatsWindow | undefined, run: number | undefined): Set<number> {
    const from = window?.fromMs ?? -8.64e15;
    const to = window?.toMs ?? 8.64e15;
    const out = new Set<number>();
    const rows =
      run === undefined
        ? db.stmt('SELECT DISTINCT co FROM agg WHERE t > ? AND t < ?').all(from - HOUR_MS, to)
        : db.stmt('SELECT DISTINCT co FROM agg WHERE t > ? AND t < ? AND run = ?').all(from - HOUR_MS, to, run);
    for (const r of rows) {
      out.add(Number(r.co));
    }
    for (const d of this.deltas.values()) {
      if ((run === undefined || d.run === run) && d.t + d.res > from && d.t < to) {
        out.add(d.co);
      }
    }
    return out;
  }

  /** Merges minute rows older than `before` into hour rows; at most `limit` minute rows per call. */
  rollup(db: SqlDb, before: number, now: number, limit = 5000): number {
    const minutes = db.stmt('SELECT * FROM agg WHERE res = 1 AND t < ? ORDER BY t LIMIT ?').all(before, limit).map(rowOf);
    if (minutes.length === 0) {
      return 0;
    }
    const hours = new Map<string, BucketRow>();
    for (const m of minutes) {
      const t = Math.floor(m.t / HOUR_MS) * HOUR_MS;
      const k = `${m.co}|${m.run}|${t}`;
      let h = hours.get(k);
      if (!h) {
        const existing = db.stmt('SELECT * FROM agg WHERE co = ? AND t = ? AND run = ? AND res = 60').get(m.co, t, m.run);
        h = existing ? rowOf(existing) : { co: m.co, run: m.run, t, res: HOUR_MS, b: new AggBucket() };
        hours.set(k, h);
      }
      h.b.merge(m.b, false);
    }
    this.written.clear();
    const del = db.stmt('DELETE FROM agg WHERE co = ? AND t = ? AND run = ? AND res = 1');
    for (const m of minutes) {
      del.run(m.co, m.t, m.run);
    }
    for (const h of hours.values()) {
      this.write(db, h, now);
    }
    return minutes.length;
  }

  clear(): void {
    this.written.clear();
    this.deltas.clear();
    this.recent.clear();
    this.byCo.clear();
  }
}
