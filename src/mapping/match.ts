/**
 * Matching engine code objects to source functions — a pure function used by the extension and the CLI.
 * Rules, strongest first; the first rule that finds candidates decides, and two or more candidates are reported
 * as ambiguous instead of guessed:
 *   1. `code`          `code.*` attributes: file (workspace-relative suffix) + line, or file + function, or
 *                      namespace + function (old `code.function`/`code.namespace`/`code.filepath`/`code.lineno` and
 *                      new `code.function.name`/`code.file.path`/`code.line.number`, as the engine stores them);
 *   2. `spanName`      a span-name literal inside a function (+ the tracer / ActivitySource name when both are known);
 *   3. `route`         `METHOD /route` of an endpoint (or server span) → the route's handler;
 *   4. `functionName`  the function name alone.
 */
import type { CodeObject } from '../shared/api';
import { matchWorkspaceFile } from './paths';
import { canonicalRoute, splitMethodRoute } from './routes';
import type { DocumentMap, FunctionInfo, SpanLiteral } from './types';

export type MatchRule = 'code' | 'spanName' | 'route' | 'functionName';
export const MATCH_RULES: readonly MatchRule[] = ['code', 'spanName', 'route', 'functionName'];

export interface FunctionMatch {
  codeObjectId: string;
  rule: MatchRule;
}
export interface FunctionMatches {
  functionId: string;
  path: string;
  qualifiedName: string;
  matches: FunctionMatch[];
}
export interface AmbiguousMatch {
  codeObjectId: string;
  rule: MatchRule;
  /** Ids of the functions that matched equally well. */
  candidates: string[];
}
export interface MatchResult {
  /** Functions with at least one match, in document order. */
  functions: FunctionMatches[];
  ambiguous: AmbiguousMatch[];
  /** Code objects no rule matched. */
  unmatched: string[];
}

interface Located {
  doc: DocumentMap;
  fn: FunctionInfo;
}

/** `a.b.C$D.(*T).m` → `a.b.C.D.T.m`: the separators runtimes use, made comparable with qualified names. */
export function normalizeQualified(name: string): string {
  return name
    .replace(/\(\*?([^)]*)\)/g, '$1')
    .replace(/\.<locals>/g, '')
    .replace(/::|[$#/\\:]/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.|\.$/g, '');
}

/** True when one dotted name ends with the other on a segment boundary. */
function dottedSuffix(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

function globRegex(name: string): RegExp {
  return new RegExp(`^${name.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** The innermost function containing a 0-based line. */
function functionAtLine(doc: DocumentMap, line: number): FunctionInfo | undefined {
  let best: FunctionInfo | undefined;
  for (const fn of doc.functions) {
    if (fn.range.start.line <= line && line <= fn.range.end.line) {
      if (!best || fn.range.start.line >= best.range.start.line) {
        best = fn;
      }
    }
  }
  return best;
}

class Index {
  readonly all: Located[] = [];
  readonly byPath = new Map<string, DocumentMap>();
  readonly spans: { loc: Located; span: SpanLiteral }[] = [];
  readonly paths: string[];
  private readonly ids = new Map<string, Located>();
  constructor(docs: readonly DocumentMap[]) {
    for (const doc of docs) {
      this.byPath.set(doc.path, doc);
      for (const fn of doc.functions) {
        const loc = { doc, fn };
        this.all.push(loc);
        this.ids.set(fn.id, loc);
        for (const span of fn.spans) {
          this.spans.push({ loc, span });
        }
      }
    }
    this.paths = [...this.byPath.keys()];
  }
  byId(id: string): Located | undefined {
    return this.ids.get(id);
  }
}

function byCode(ix: Index, co: CodeObject): Located[] {
  const code = co.code;
  if (!code) {
    return [];
  }
  const fnName = code.function !== undefined ? normalizeQualified(code.function) : undefined;
  const qualified = fnName !== undefined ? normalizeQualified(code.namespace ? `${code.namespace}.${fnName}` : fnName) : undefined;
  if (code.filepath) {
    const out: Located[] = [];
    for (const p of matchWorkspaceFile(code.filepath, ix.paths)) {
      const doc = ix.byPath.get(p)!;
      if (code.lineno !== undefined) {
        const fn = functionAtLine(doc, code.lineno - 1);
        if (fn) {
          out.push({ doc, fn });
        }
      } else if (fnName !== undefined) {
        const last = fnName.split('.').pop()!;
        const fns = doc.functions.filter((f) => f.name === last && (qualified === last || dottedSuffix(normalizeQualified(f.qualifiedName), qualified!)));
        out.push(...fns.map((fn) => ({ doc, fn })));
      }
    }
    return out;
  }
  if (qualified === undefined || !qualified.includes('.')) {
    return [];
  }
  return ix.all.filter((l) => dottedSuffix(normalizeQualified(l.fn.qualifiedName), qualified) && l.fn.name === qualified.split('.').pop());
}

function scopeCompatible(literal: string | undefined, runtime: string | undefined): boolean {
  return literal === undefined || runtime === undefined || dottedSuffix(literal, runtime);
}

function bySpanName(ix: Index, co: CodeObject): Located[] {
  if (co.kind !== 'span') {
    return [];
  }
  const exact = ix.spans.filter((s) => !s.span.dynamic && s.span.name === co.name && scopeCompatible(s.span.scope, co.scope));
  const found = exact.length ? exact : ix.spans.filter((s) => s.span.dynamic && globRegex(s.span.name).test(co.name) && scopeCompatible(s.span.scope, co.scope));
  const distinct = uniqueFns(found.map((s) => s.loc));
  if (distinct.length > 1 && co.scope !== undefined) {
    // Two literals of the same name: the one whose tracer name is known and equal wins; otherwise ambiguous.
    const scoped = uniqueFns(found.filter((s) => s.span.scope === co.scope).map((s) => s.loc));
    if (scoped.length === 1) {
      return scoped;
    }
  }
  return distinct;
}

function byRoute(ix: Index, co: CodeObject): Located[] {
  if (co.kind !== 'endpoint' && co.kind !== 'span') {
    return [];
  }
  const mr = splitMethodRoute(co.name);
  if (!mr) {
    return [];
  }
  const canonical = canonicalRoute(mr.route);
  const handlers = (pred: (r: { method: string; canonical: string; prefixResolved: boolean }) => boolean): Located[] => {
    const ids = new Set<string>();
    for (const doc of ix.byPath.values()) {
      for (const r of doc.routes) {
        if (r.handlerId !== undefined && pred(r)) {
          ids.add(r.handlerId);
        }
      }
    }
    return [...ids].map((id) => ix.byId(id)).filter((l): l is Located => !!l);
  };
  const methodOk = (m: string): boolean => m === mr.method;
  let found = handlers((r) => r.canonical === canonical && methodOk(r.method));
  if (!found.length) {
    found = handlers((r) => r.canonical === canonical && r.method === '*');
  }
  if (!found.length) {
    // A router mounted where the mapper could not see: its routes are known up to a missing prefix.
    found = handlers((r) => !r.prefixResolved && (methodOk(r.method) || r.method === '*') && r.canonical !== '/' && canonical.endsWith(r.canonical));
  }
  return found;
}

function byFunctionName(ix: Index, co: CodeObject): Located[] {
  const raw = co.kind === 'function' ? (co.code?.function ?? co.name) : co.kind === 'span' ? co.name : undefined;
  if (raw === undefined || /\s/.test(raw)) {
    return [];
  }
  const name = normalizeQualified(raw);
  const last = name.split('.').pop()!;
  return ix.all.filter((l) => l.fn.kind !== 'handler' && l.fn.name === last && (name === last || dottedSuffix(normalizeQualified(l.fn.qualifiedName), name)));
}

function uniqueFns(locs: Located[]): Located[] {
  const seen = new Set<string>();
  return locs.filter((l) => !seen.has(l.fn.id) && seen.add(l.fn.id));
}

const RULES: Record<MatchRule, (ix: Index, co: CodeObject) => Located[]> = {
  code: byCode,
  spanName: bySpanName,
  route: byRoute,
  functionName: byFunctionName,
};

/**
 * Matches code objects (from the engine) to the functions of the given document maps. Pass every document of the
 * workspace that may hold a candidate: ambiguity is only seen among the documents given.
 */
export function matchCodeObjects(docs: readonly DocumentMap[], codeObjects: readonly CodeObject[]): MatchResult {
  const ix = new Index(docs);
  const perFn = new Map<string, FunctionMatch[]>();
  const ambiguous: AmbiguousMatch[] = [];
  const unmatched: string[] = [];
  for (const co of codeObjects) {
    let decided = false;
    for (const rule of MATCH_RULES) {
      const found = uniqueFns(RULES[rule](ix, co));
      if (found.length === 1) {
        const list = perFn.get(found[0].fn.id) ?? [];
        list.push({ codeObjectId: co.id, rule });
        perFn.set(found[0].fn.id, list);
      } else if (found.length > 1) {
        ambiguous.push({ codeObjectId: co.id, rule, candidates: found.map((l) => l.fn.id) });
      } else {
        continue;
      }
      decided = true;
      break;
    }
    if (!decided) {
      unmatched.push(co.id);
    }
  }
  const functions: FunctionMatches[] = [];
  for (const { doc, fn } of ix.all) {
    const matches = perFn.get(fn.id);
    if (matches) {
      functions.push({ functionId: fn.id, path: doc.path, qualifiedName: fn.qualifiedName, matches });
    }
  }
  return { functions, ambiguous, unmatched };
}
