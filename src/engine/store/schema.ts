/** The store's SQLite schema (one file, `spanlens.db`, in the storage folder). */
import type { SqlDb } from './sqlite';

export const SCHEMA_VERSION = 1;

/** Bucket resolutions (the `res` column): minutes, and hours after roll-up. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  no INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, label TEXT NOT NULL, source TEXT NOT NULL,
  services TEXT NOT NULL, spans INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS code_objects (
  no INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, service TEXT NOT NULL, scope TEXT,
  name TEXT NOT NULL, code TEXT, count INTEGER NOT NULL, errors INTEGER NOT NULL,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS agg (
  co INTEGER NOT NULL, t INTEGER NOT NULL, run INTEGER NOT NULL, res INTEGER NOT NULL,
  count INTEGER NOT NULL, errors INTEGER NOT NULL, max_per_min INTEGER NOT NULL, active_min INTEGER NOT NULL, last_call INTEGER NOT NULL,
  updated INTEGER NOT NULL, dur BLOB NOT NULL, self BLOB,
  PRIMARY KEY (co, t, run, res)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agg_updated ON agg (updated);
CREATE INDEX IF NOT EXISTS agg_res_t ON agg (res, t);
CREATE TABLE IF NOT EXISTS traces (trace_id TEXT PRIMARY KEY, run TEXT NOT NULL, stored INTEGER NOT NULL, spans TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS exemplars (
  co INTEGER NOT NULL, role TEXT NOT NULL, trace_id TEXT NOT NULL, duration_ms REAL NOT NULL, error INTEGER NOT NULL,
  t INTEGER NOT NULL, PRIMARY KEY (co, role, trace_id));
CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);
`;

export function migrate(db: SqlDb): void {
  // Incremental auto-vacuum lets retention give space back without a full VACUUM; it must be set
  // before the first table exists.
  db.exec('PRAGMA auto_vacuum = INCREMENTAL');
  db.exec('PRAGMA journal_mode = DELETE');
  db.exec('PRAGMA synchronous = FULL');
  db.exec(DDL);
  const row = db.stmt('SELECT v FROM meta WHERE k = ?').get('schema');
  if (!row) {
    db.stmt('INSERT INTO meta (k, v) VALUES (?, ?)').run('schema', String(SCHEMA_VERSION));
  } else if (Number(row.v) > SCHEMA_VERSION) {
    throw new Error(`the store was written by a newer SpanLens (schema ${String(row.v)} > ${SCHEMA_VERSION})`);
  }
}

export function getMeta(db: SqlDb, k: string): string | undefined {
  const row = db.stmt('SELECT v FROM meta WHERE k = ?').get(k);
  return row ? String(row.v) : undefined;
}

export function setMeta(db: SqlDb, k: string, v: string): void {
  db.stmt('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v').run(k, v);
}
