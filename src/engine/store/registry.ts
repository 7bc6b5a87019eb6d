/**
 * In-memory registry of code objects and runs (every one is small and read on every query), numbered
 * for compact aggregate rows and written to SQLite at each checkpoint.
 */
import type { CodeObject } from '../../shared/api';
import type { CodeObjectRef } from '../aggregates/codeObjectKeys';
import { functionNameOf, functionOf, spanObjectOf } from '../aggregates/codeObjectKeys';
import type { Span } from '../model';
import { spanAttribute } from '../otlp/lazySpan';
import { ATTR_CODE_NAMESPACE, ATTR_HTTP_ROUTE } from '../../shared/semconv';
import type { RunEntry, RunRef } from './runs';
import type { SqlDb } from './sqlite';

export interface CodeObjectEntry {
  no: number;
  ref: CodeObjectRef;
  count: number;
  errors: number;
  firstSeen: number;
  lastSeen: number;
  /** Wall-clock time of the last change (retention). */
  updated: number;
  dirty: boolean;
}

export function codeObjectOf(e: CodeObjectEntry): CodeObject {
  const { ref } = e;
  const co: CodeObject = { id: ref.key, kind: ref.kind, service: ref.service, name: ref.name, count: e.count, errors: e.errors, firstSeen: e.firstSeen, lastSeen: e.lastSeen };
  if (ref.scope !== undefined) {
    co.scope = ref.scope;
  }
  if (ref.code) {
    co.code = ref.code;
  }
  return co;
}

export class Registry {
  readonly codeObjects = new Map<string, CodeObjectEntry>();
  readonly byNo = new Map<number, CodeObjectEntry>();
  readonly runs = new Map<string, RunEntry>();
  readonly runsByNo = new Map<number, RunEntry>();
  private nextCo = 1;
  private nextRun = 1;
  /** Grows when a code object is added, changed (its code location) or dropped. */
  version = 0;
  /**
   * Span code objects by service → scope → span name (+ http.route): most spans repeat a few
   * names, so the key (name normalization, concatenation) is derived once per name, not per span.
   */
  private readonly spanCache = new Map<string, Map<string, Map<string, CodeObjectEntry>>>();
  /**
   * Function code objects by function name → namespace: their key depends on these two alone, and the
   * code location of the first span counts (`codeObject`), so a span whose pair was seen takes the
   * entry without the key's concatenation, the location's object and the reference `functionOf` builds.
   */
  private readonly fnCache = new Map<string, Map<string, CodeObjectEntry>>();

  load(db: SqlDb): void {
    this.clear();
    for (const r of db.stmt('SELECT * FROM code_objects').all()) {
      const ref: CodeObjectRef = { key: String(r.key), kind: r.kind as CodeObjectRef['kind'], service: String(r.service), name: String(r.name) };
      if (r.scope !== null) {
        ref.scope = String(r.scope);
      }
      if (r.code !== null) {
        ref.code = JSON.parse(String(r.code)) as CodeObjectRef['code'];
      }
      const e: CodeObjectEntry = { no: Number(r.no), ref, count: Number(r.count), errors: Number(r.errors), firstSeen: Number(r.first_seen), lastSeen: Number(r.last_seen), updated: Number(r.updated), dirty: false };
      this.codeObjects.set(ref.key, e);
      this.byNo.set(e.no, e);
      this.nextCo = Math.max(this.nextCo, e.no + 1);
    }
    for (const r of db.stmt('SELECT * FROM runs').all()) {
      const e: RunEntry = {
        no: Number(r.no),
        id: String(r.id),
        label: String(r.label),
        source: r.source as RunEntry['source'],
        services: new Set(JSON.parse(String(r.services)) as string[]),
        spans: Number(r.spans),
        firstSeen: Number(r.first_seen),
        lastSeen: Number(r.last_seen),
        dirty: false,
      };
      this.runs.set(e.id, e);
      this.runsByNo.set(e.no, e);
      this.nextRun = Math.max(this.nextRun, e.no + 1);
    }
  }

  clear(): void {
    this.version++;
    this.spanCache.clear();
    this.fnCache.clear();
    this.codeObjects.clear();
    this.byNo.clear();
    this.runs.clear();
    this.runsByNo.clear();
    this.nextCo = 1;
    this.nextRun = 1;
  }

  codeObject(ref: CodeObjectRef): CodeObjectEntry {
    let e = this.codeObjects.get(ref.key);
    if (!e) {
      e = { no: this.nextCo++, ref, count: 0, errors: 0, firstSeen: Infinity, lastSeen: 0, updated: 0, dirty: true };
      this.codeObjects.set(ref.key, e);
      this.byNo.set(e.no, e);
      this.version++;
    } else if (ref.code && !e.ref.code) {
      // A later span may carry the code location the first one lacked.
      e.ref = { ...e.ref, code: ref.code };
      e.dirty = true;
      this.version++;
    }
    return e;
  }

  run(ref: RunRef): RunEntry {
    let e = this.runs.get(ref.id);
    if (!e) {
      e = { ...ref, no: this.nextRun++, services: new Set(), spans: 0, firstSeen: Infinity, lastSeen: 0, dirty: true };
      this.runs.set(e.id, e);
      this.runsByNo.set(e.no, e);
    }
    return e;
  }

  save(db: SqlDb): void {
    const coStmt = db.stmt(
      `INSERT INTO code_objects (no, key, kind, service, scope, name, code, count, errors, first_seen, last_seen, updated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (no) DO UPDATE SET code = excluded.code, count = excluded.count, errors = excluded.errors,
         first_seen = excluded.first_seen, last_seen = excluded.last_seen, updated = excluded.updated`,
    );
    for (const e of this.codeObjects.values()) {
      if (e.dirty) {
        const r = e.ref;
        coStmt.run(e.no, r.key, r.kind, r.service, r.scope ?? null, r.name, r.code ? JSON.stringify(r.code) : null, e.count, e.errors, finite(e.firstSeen), e.lastSeen, e.updated);
        e.dirty = false;
      }
    }
    const runStmt = db.stmt(
      `INSERT INTO runs (no, id, label, source, services, spans, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (no) DO UPDATE SET services = excluded.services, spans = excluded.spans,
         first_seen = excluded.first_seen, last_seen = excluded.last_seen`,
    );
    for (const e of this.runs.values()) {
      if (e.dirty) {
        runStmt.run(e.no, e.id, e.label, e.source, JSON.stringify([...e.services]), e.spans, finite(e.firstSeen), e.lastSeen);
        e.dirty = false;
      }
    }
  }

  /** The span code object of a span (see shared/keys.ts), registered on first sight. */
  spanCodeObject(span: Span): CodeObjectEntry {
    let byScope = this.spanCache.get(span.resource.serviceName);
    if (!byScope) {
      byScope = new Map();
      this.spanCache.set(span.resource.serviceName, byScope);
    }
    let byName = byScope.get(span.scope.name);
    if (!byName) {
      byName = new Map();
      byScope.set(span.scope.name, byName);
    }
    const route = spanAttribute(span, ATTR_HTTP_ROUTE);
    const k = typeof route === 'string' && route !== '' ? `${span.name}\u0000${route}` : span.name;
    let e = byName.get(k);
    if (!e) {
      if (byName.size >= 10_000) {
        // Unbounded raw names (ids in span names): the keys are normalized, the cache is not.
        byName.clear();
      }
      e = this.codeObject(spanObjectOf(span));
      byName.set(k, e);
    }
    return e;
  }

  /** The code object of the function a span was recorded in (`functionOf`), if it names one. */
  functionCodeObject(span: Span): CodeObjectEntry | undefined {
    const fn = functionNameOf(span);
    if (fn === undefined) {
      return undefined;
    }
    const ns = spanAttribute(span, ATTR_CODE_NAMESPACE);
    // `functionOf` reads a namespace that is not a non-empty string as none.
    const nsKey = typeof ns === 'string' ? ns : '';
    let byNs = this.fnCache.get(fn);
    if (!byNs) {
      if (this.fnCache.size >= 10_000) {
        this.fnCache.clear();
      }
      byNs = new Map();
      this.fnCache.set(fn, byNs);
    }
    let e = byNs.get(nsKey);
    if (!e) {
      e = this.codeObject(functionOf(span)!);
      byNs.set(nsKey, e);
    }
    return e;
  }

  /** Forgets code objects that retention removed from the database. */
  dropCodeObjects(nos: number[]): void {
    this.version++;
    this.spanCache.clear();
    this.fnCache.clear();
    for (const no of nos) {
      const e = this.byNo.get(no);
      if (e) {
        this.byNo.delete(no);
        this.codeObjects.delete(e.ref.key);
      }
    }
  }
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}
