/**
 * The store: SQLite file `spanlens.db` in the storage folder holding code objects, runs, aggregate
 * buckets, exemplar traces and checkpoint metadata. Ingest updates in-memory state (registry and
 * aggregate deltas) that each checkpoint writes in one transaction, together with the journal
 * sequence number it covers. Implements the AggregateReader the analyzers and the API read.
 */
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeObject, CodeObjectStats, RunInfo, SeriesPoint, TraceSpanDto } from '../../shared/api';
import { StatusCode } from '../../shared/semconv';
import { AggBucket, histogramOf, summarize } from '../aggregates/bucket';
import type { BufferedSpan, TraceBuffer } from '../assembler';
import type { StoreBackendChoice } from '../config';
import type { Logger } from '../logger';
import type { AggregateReader, Span, StatsWindow } from '../model';
import { AggregateTable } from './aggregateTable';
import { onTraceAssembled, traceSpanDto } from './assembledTraces';
import type { CheckpointParticipant } from './participants';
import { Participants } from './participants';

export type { CheckpointParticipant } from './participants';
import type { Exemplar, ExemplarRole } from './exemplars';
import { ExemplarSampler } from './exemplars';
import type { CodeObjectEntry } from './registry';
import { codeObjectOf, Registry } from './registry';
import type { RunRef } from './runs';
import { runInfo } from './runs';
import { getMeta, MINUTE_MS, migrate, setMeta } from './schema';
import type { SqlDb, StoreBackend } from './sqlite';
import { openSqlite } from './sqlite';

export const DB_FILE = 'spanlens.db';
/** Participants' state is saved at most this often (well inside the journal's late window). */
export const PARTICIPANT_SAVE_MS = 30_000;

export interface StoreOptions {
  storage: string;
  backend: StoreBackendChoice;
  exemplarsPerRole: number;
  retentionDays: number;
  maxStorageMB: number;
  rollupAfterMs: number;
  /** The journal's late window: participants are saved well inside it. */
  lateWindowMs?: number;
  log: Logger;
}

export interface IngestCounters {
  spansReceived: number;
  spansStored: number;
  spansRejected: number;
  requests: number;
  traces: number;
  lastIngestAt: number;
}

export class SpanStore implements AggregateReader {
  readonly db: SqlDb;
  readonly registry = new Registry();
  readonly aggs = new AggregateTable();
  readonly exemplarSampler: ExemplarSampler;
  counters: IngestCounters = { spansReceived: 0, spansStored: 0, spansRejected: 0, requests: 0, traces: 0, lastIngestAt: 0 };
  /** Highest journal sequence number applied to the in-memory state. */
  appliedSeq = 0;
  /** Highest journal sequence number written by a checkpoint. */
  checkpointedSeq = 0;
  private readonly participants: Participants;
  private readonly dbPath: string;
  private rate = new Float64Array(60);
  private rateSecond = 0;

  constructor(private readonly opts: StoreOptions) {
    mkdirSync(opts.storage, { recursive: true });
    this.dbPath = join(opts.storage, DB_FILE);
    this.db = this.openOrSetAside();
    this.exemplarSampler = new ExemplarSampler(opts.exemplarsPerRole);
    this.participants = new Participants(opts.storage, this.db, opts.log);
    this.load();
  }

  /**
   * Opens the database; one that cannot be read (corrupt, not SQLite) is renamed to
   * `spanlens.db.corrupt-<time>` — kept, never deleted — and a fresh store is started.
   */
  private openOrSetAside(): SqlDb {
    let db: SqlDb | undefined;
    try {
      db = openSqlite(this.dbPath, this.opts.backend);
      migrate(db);
      db.stmt('SELECT COUNT(*) AS n FROM code_objects').get();
      return db;
    } catch (e) {
      try {
        db?.close();
      } catch {
        // already unusable
      }
      if (!existsSync(this.dbPath)) {
        throw e;
      }
      const aside = `${this.dbPath}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(this.dbPath, aside);
      this.opts.log.error(`the store ${this.dbPath} cannot be read (${(e as Error).message}); kept it as ${aside} and started a fresh store`);
      const fresh = openSqlite(this.dbPath, this.opts.backend);
      migrate(fresh);
      return fresh;
    }
  }

  get backend(): StoreBackend {
    return this.db.backend;
  }

  private load(): void {
    this.registry.load(this.db);
    this.exemplarSampler.load(this.db);
    this.checkpointedSeq = Number(getMeta(this.db, 'checkpointSeq') ?? 0);
    this.appliedSeq = this.checkpointedSeq;
    const c = getMeta(this.db, 'counters');
    if (c) {
      this.counters = { ...this.counters, ...(JSON.parse(c) as Partial<IngestCounters>) };
    }
  }

  addParticipant(p: CheckpointParticipant): void {
    this.participants.add(p);
  }

  // ── write side ────────────────────────────────────────────────────────────────────────────────

  /** Counts one call of a registered code object (see `registry.codeObject`). */
  recordCall(e: CodeObjectEntry, run: number, span: Span, now: number): number {
    const startMs = span.startUs / 1000;
    const endMs = span.endUs / 1000;
    const error = span.statusCode === StatusCode.ERROR;
    e.count++;
    if (error) {
      e.errors++;
    }
    if (startMs < e.firstSeen) {
      e.firstSeen = startMs;
    }
    if (endMs > e.lastSeen) {
      e.lastSeen = endMs;
    }
    e.updated = now;
    e.dirty = true;
    this.aggs.add(e.no, run, startMs, Math.max(0, endMs - startMs), error, endMs);
    return e.no;
  }

  /** Registers a run and counts spans for it. */
  recordRun(ref: RunRef, service: string, spans: number, startMs: number, endMs: number): number {
    const r = this.registry.run(ref);
    r.spans += spans;
    r.services.add(service);
    r.firstSeen = Math.min(r.firstSeen, startMs);
    r.lastSeen = Math.max(r.lastSeen, endMs);
    r.dirty = true;
    return r.no;
  }

  countIngest(accepted: number, rejected: number, now: number): void {
    const c = this.counters;
    c.requests++;
    c.spansReceived += accepted + rejected;
    c.spansStored += accepted;
    c.spansRejected += rejected;
    c.lastIngestAt = now;
    const sec = Math.floor(now / 1000);
    this.advanceRate(sec);
    this.rate[sec % 60] += accepted;
  }

  private advanceRate(sec: number): void {
    if (sec - this.rateSecond >= 60) {
      this.rate.fill(0);
    } else {
      for (let s = this.rateSecond + 1; s <= sec; s++) {
        this.rate[s % 60] = 0;
      }
    }
    this.rateSecond = Math.max(this.rateSecond, sec);
  }

  /** Spans per second over the last minute. */
  ingestRate(now: number): number {
    this.advanceRate(Math.floor(now / 1000));
    return this.rate.reduce((a, b) => a + b, 0) / 60;
  }

  /** Assembler hook: self time of newly assembled spans (and recounts for late children), exemplars. */
  onTraceAssembled(t: TraceBuffer): void {
    if (onTraceAssembled(t, this.registry, this.aggs, this.exemplarSampler)) {
      this.counters.traces++;
    }
  }

  traceSpanDto(i: BufferedSpan): TraceSpanDto {
    return traceSpanDto(i, this.registry);
  }

  /**
   * Writes all in-memory changes and the covered journal sequence number in one transaction.
   * Participants (the insights engine's state, which grows with the traces it keeps) are saved at
   * most every PARTICIPANT_SAVE_MS, or when `saveParticipants` is set (shutdown): serializing them
   * on every checkpoint cost more than the rest of ingest together. Staleness is covered by the
   * journal: its records stay for the late window (longer than PARTICIPANT_SAVE_MS) and refill the
   * assembler, whose observers see those traces again after a restart.
   */
  checkpoint(now = Date.now(), saveParticipants = false): void {
    this.db.transaction(() => {
      this.registry.save(this.db);
      this.aggs.checkpoint(this.db, now);
      this.exemplarSampler.save(this.db, now);
      setMeta(this.db, 'counters', JSON.stringify(this.counters));
      setMeta(this.db, 'checkpointSeq', String(this.appliedSeq));
    });
    this.checkpointedSeq = this.appliedSeq;
    this.participants.save(now, Math.min(PARTICIPANT_SAVE_MS, (this.opts.lateWindowMs ?? Infinity) / 2), saveParticipants);
  }

  /** Roll-up of old minute buckets and retention by age, then by size (oldest first). */
  maintain(now = Date.now()): void {
    this.db.transaction(() => {
      while (this.aggs.rollup(this.db, now - this.opts.rollupAfterMs, now) > 0) {
        // keep rolling up
      }
    });
    const cutoff = now - this.opts.retentionDays * 86_400_000;
    this.dropOlderThan(cutoff);
    const maxBytes = this.opts.maxStorageMB * 1024 * 1024;
    for (let i = 0; i < 20 && this.dbBytes() > maxBytes; i++) {
      const rows = this.db.stmt('SELECT updated FROM agg ORDER BY updated LIMIT 1 OFFSET (SELECT COUNT(*) / 10 FROM agg)').get();
      if (!rows) {
        break;
      }
      this.opts.log.warn(`store is over ${this.opts.maxStorageMB} MB: dropping the oldest buckets`);
      this.dropOlderThan(Number(rows.updated) + 1);
      this.db.exec('PRAGMA incremental_vacuum');
    }
  }

  private dropOlderThan(cutoff: number): void {
    this.aggs.forgetWritten();
    const gone = this.db.transaction(() => {
      this.db.stmt('DELETE FROM agg WHERE updated < ?').run(cutoff);
      const nos = this.db
        .stmt('SELECT no FROM code_objects WHERE updated < ? AND NOT EXISTS (SELECT 1 FROM agg WHERE agg.co = code_objects.no)')
        .all(cutoff)
        .map((r) => Number(r.no));
      for (const no of nos) {
        this.db.stmt('DELETE FROM code_objects WHERE no = ?').run(no);
        this.db.stmt('DELETE FROM exemplars WHERE co = ?').run(no);
      }
      this.db.stmt('DELETE FROM traces WHERE stored < ? AND trace_id NOT IN (SELECT trace_id FROM exemplars)').run(cutoff);
      return nos;
    });
    if (gone.length > 0) {
      this.registry.dropCodeObjects(gone);
      this.exemplarSampler.dropCodeObjects(gone);
      this.opts.log.info(`retention dropped ${gone.length} code objects`);
    }
  }

  dbBytes(): number {
    try {
      return statSync(this.dbPath).size;
    } catch {
      return 0;
    }
  }

  /** Deletes all data (DELETE /api/v1/data). */
  clear(): void {
    this.db.transaction(() => {
      for (const t of ['agg', 'code_objects', 'runs', 'traces', 'exemplars', 'kv']) {
        this.db.exec(`DELETE FROM ${t}`);
      }
      this.counters = { spansReceived: 0, spansStored: 0, spansRejected: 0, requests: 0, traces: 0, lastIngestAt: 0 };
      setMeta(this.db, 'counters', JSON.stringify(this.counters));
      setMeta(this.db, 'checkpointSeq', String(this.appliedSeq));
    });
    this.checkpointedSeq = this.appliedSeq;
    this.participants.clear();
    this.registry.clear();
    this.aggs.clear();
    this.exemplarSampler.clear();
    this.rate.fill(0);
    this.db.exec('PRAGMA incremental_vacuum');
  }

  close(): void {
    this.db.close();
  }

  // ── read side (AggregateReader) ──────────────────────────────────────────────────────────────

  codeObjects(): CodeObject[] {
    return [...this.registry.codeObjects.values()].map(codeObjectOf);
  }

  codeObject(key: string): CodeObject | undefined {
    const e = this.registry.codeObjects.get(key);
    return e ? codeObjectOf(e) : undefined;
  }

  /** Keys of code objects with data in a window/run. */
  codeObjectsIn(window: StatsWindow): Set<string> {
    const run = window.runId === undefined ? undefined : this.registry.runs.get(window.runId)?.no;
    if (window.runId !== undefined && run === undefined) {
      return new Set();
    }
    const nos = this.aggs.codeObjectsIn(this.db, window, run);
    return new Set([...nos].map((n) => this.registry.byNo.get(n)?.ref.key).filter((k): k is string => k !== undefined));
  }

  runs(): RunInfo[] {
    return [...this.registry.runs.values()].map(runInfo).sort((a, b) => b.lastSeen - a.lastSeen);
  }

  stats(key: string, window?: StatsWindow): CodeObjectStats | undefined {
    const e = this.registry.codeObjects.get(key);
    if (!e) {
      return undefined;
    }
    let run: number | undefined;
    if (window?.runId !== undefined) {
      run = this.registry.runs.get(window.runId)?.no;
      if (run === undefined) {
        return undefined;
      }
    }
    const rows = this.aggs.rows(this.db, e.no, window, run);
    if (rows.length === 0) {
      return undefined;
    }
    const total = new AggBucket();
    const byT = new Map<number, { res: number; b: AggBucket }>();
    for (const r of rows) {
      total.merge(r.b, false);
      const p = byT.get(r.t);
      if (p) {
        p.b.merge(r.b, p.res === MINUTE_MS && r.res === MINUTE_MS);
        p.res = Math.max(p.res, r.res);
      } else {
        const b = new AggBucket();
        b.merge(r.b, true);
        byT.set(r.t, { res: r.res, b });
      }
    }
    const ts = [...byT.keys()].sort((a, b) => a - b);
    // Mean over the minutes that had calls: stable when minute buckets are rolled up into hours.
    let minutes = 0;
    let maxPerMin = 0;
    for (const p of byT.values()) {
      maxPerMin = Math.max(maxPerMin, p.b.maxPerMin);
      minutes += p.b.activeMinutes;
    }
    minutes = Math.max(1, minutes);
    const series: SeriesPoint[] = ts.slice(-360).map((t) => {
      const b = byT.get(t)!.b;
      return { t, count: b.count, errors: b.errors, p50Ms: b.dur.quantile(0.5), p95Ms: b.dur.quantile(0.95) };
    });
    const stats: CodeObjectStats = {
      codeObject: codeObjectOf(e),
      count: total.count,
      errors: total.errors,
      errorRate: total.count === 0 ? 0 : total.errors / total.count,
      ratePerMin: { mean: total.count / minutes, max: maxPerMin },
      durationMs: summarize(total.dur),
      histogram: histogramOf(total.dur),
      series,
    };
    if (total.self && total.self.count > 0) {
      stats.selfTimeMs = summarize(total.self);
    }
    if (total.lastCall > 0) {
      stats.lastCall = total.lastCall;
    }
    return stats;
  }

  exemplars(key: string): Record<ExemplarRole, Exemplar[]> | undefined {
    const e = this.registry.codeObjects.get(key);
    return e ? this.exemplarSampler.exemplars(e.no) : undefined;
  }

  /** A stored exemplar trace (pending or written). */
  storedTrace(traceId: string): TraceSpanDto[] | undefined {
    const pending = this.exemplarSampler.pendingTrace(traceId);
    if (pending) {
      return pending;
    }
    const row = this.db.stmt('SELECT spans FROM traces WHERE trace_id = ?').get(traceId);
    return row ? (JSON.parse(String(row.spans)) as TraceSpanDto[]) : undefined;
  }
}
