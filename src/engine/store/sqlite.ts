/**
 * One small SQLite interface over the two backends: `node:sqlite` (Node ≥ 22.5, built in) when the
 * runtime has it, else `node-sqlite3-wasm` (WebAssembly, file-backed; no native module in the VSIX).
 * Statements are prepared once and cached; `close()` finalizes them (the WASM build needs it).
 */
import { rmSync } from 'node:fs';
import type { StoreBackendChoice } from '../config';

export type SqlValue = number | string | Uint8Array | null;
export type SqlRow = Record<string, SqlValue>;
export type StoreBackend = 'node:sqlite' | 'node-sqlite3-wasm';

export interface SqlStatement {
  run(...params: SqlValue[]): void;
  all(...params: SqlValue[]): SqlRow[];
  get(...params: SqlValue[]): SqlRow | undefined;
}

export interface SqlDb {
  readonly backend: StoreBackend;
  exec(sql: string): void;
  /** A cached prepared statement. */
  stmt(sql: string): SqlStatement;
  /** Runs `fn` in one transaction (rolled back when it throws). */
  transaction<T>(fn: () => T): T;
  close(): void;
}

interface NodeSqliteModule {
  DatabaseSync: new (path: string) => {
    exec(sql: string): void;
    prepare(sql: string): {
      run(...p: SqlValue[]): unknown;
      all(...p: SqlValue[]): SqlRow[];
      get(...p: SqlValue[]): SqlRow | undefined;
    };
    close(): void;
  };
}

interface WasmModule {
  Database: new (path: string) => {
    exec(sql: string): void;
    prepare(sql: string): {
      run(values?: SqlValue[]): unknown;
      all(values?: SqlValue[]): SqlRow[];
      get(values?: SqlValue[]): SqlRow | null;
      finalize(): void;
    };
    close(): void;
  };
}

/** `node:sqlite` when this runtime has it (without printing its experimental warning twice). */
function loadNodeSqlite(): NodeSqliteModule | undefined {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    if (getBuiltin) {
      return getBuiltin('node:sqlite') as NodeSqliteModule | undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node:sqlite') as NodeSqliteModule;
  } catch {
    return undefined;
  }
}

export function nodeSqliteAvailable(): boolean {
  return loadNodeSqlite() !== undefined;
}

function backendFor(choice: StoreBackendChoice): StoreBackend {
  if (choice === 'node-sqlite3-wasm') {
    return choice;
  }
  if (loadNodeSqlite()) {
    return 'node:sqlite';
  }
  if (choice === 'node:sqlite') {
    throw new Error(`this runtime (Node ${process.versions.node}) has no node:sqlite; use storeBackend "auto" or "node-sqlite3-wasm"`);
  }
  return 'node-sqlite3-wasm';
}

export function openSqlite(path: string, choice: StoreBackendChoice = 'auto'): SqlDb {
  const backend = backendFor(choice);
  return backend === 'node:sqlite' ? openNode(path) : openWasm(path);
}

function openNode(path: string): SqlDb {
  const mod = loadNodeSqlite()!;
  const db = new mod.DatabaseSync(path);
  const cache = new Map<string, SqlStatement>();
  return wrap('node:sqlite', db.exec.bind(db), () => db.close(), (sql) => {
    let s = cache.get(sql);
    if (!s) {
      const p = db.prepare(sql);
      s = {
        run: (...params) => void p.run(...params),
        all: (...params) => p.all(...params),
        get: (...params) => p.get(...params),
      };
      cache.set(sql, s);
    }
    return s;
  });
}

function openWasm(path: string): SqlDb {
  // The WASM VFS locks a database by creating `<file>.lock` as a folder; a process killed with -9
  // leaves it behind. The caller holds the storage folder's own lock, so a leftover is stale.
  rmSync(`${path}.lock`, { recursive: true, force: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('node-sqlite3-wasm') as WasmModule;
  const db = new mod.Database(path);
  const cache = new Map<string, { s: SqlStatement; finalize: () => void }>();
  return wrap(
    'node-sqlite3-wasm',
    db.exec.bind(db),
    () => {
      for (const { finalize } of cache.values()) {
        finalize();
      }
      cache.clear();
      db.close();
    },
    (sql) => {
      let c = cache.get(sql);
      if (!c) {
        const p = db.prepare(sql);
        c = {
          s: {
            run: (...params) => void p.run(params),
            all: (...params) => p.all(params),
            get: (...params) => p.get(params) ?? undefined,
          },
          finalize: () => p.finalize(),
        };
        cache.set(sql, c);
      }
      return c.s;
    },
  );
}

function wrap(backend: StoreBackend, exec: (sql: string) => void, close: () => void, stmt: (sql: string) => SqlStatement): SqlDb {
  let depth = 0;
  return {
    backend,
    exec,
    stmt,
    close,
    transaction<T>(fn: () => T): T {
      if (depth > 0) {
        return fn();
      }
      exec('BEGIN');
      depth++;
      try {
        const r = fn();
        exec('COMMIT');
        return r;
      } catch (e) {
        exec('ROLLBACK');
        throw e;
      } finally {
        depth--;
      }
    },
  };
}
