/**
 * From an extractor's drafts to a DocumentMap: functions with qualified names (enclosing classes and namespaces by
 * position), span literals and routes assigned to the function around them, end positions from line starts.
 */
import type { Extract, FnDraft, LanguageSpec, RouteDraft, ScopeDraft, SpanDraft } from './lang/common';
import { classAt } from './lang/common';
import type { DocumentMap, FunctionInfo, RouteInfo, SpanLiteral } from './types';

/** Turns the extractor's drafts into a DocumentMap: qualified names, spans and routes assigned to functions. */
export function assemble(spec: LanguageSpec, relPath: string, ex: Extract, hasErrors: boolean, text: string): DocumentMap {
  const language = spec.language;
  const module = language === 'javascript' || language === 'typescript' ? undefined : ex.module;
  const sorted = ex.functions.map((d) => ({ d, start: d.node.startIndex, end: d.node.endIndex })).sort((a, b) => a.start - b.start || b.end - a.end);
  const drafts = sorted.map((x) => x.d);
  const starts = sorted.map((x) => x.start);
  const ends = sorted.map((x) => x.end);
  const byKey = new Map<number, number>();
  drafts.forEach((d, i) => byKey.set((d.key ?? d.node).startIndex, i));
  const containers = nesting(spec, sorted, ex.scopes);
  const position = positions(text);
  const functions: FunctionInfo[] = sorted.map((x, i) => toFunction(x.d, containers[i], module, relPath, position(x.end)));

  /** Index of the innermost function containing `pos`, or -1. */
  function enclosing(pos: number): number {
    let lo = 0;
    let hi = starts.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= pos) {
        last = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    for (let i = last; i >= 0; i--) {
      if (ends[i] > pos) {
        return i;
      }
    }
    return -1;
  }
  const owner = (d: SpanDraft | RouteDraft, contain: boolean): number =>
    d.owner !== undefined ? (byKey.get(d.owner) ?? -1) : contain ? enclosing(d.at) : -1;

  const orphanSpans: SpanLiteral[] = [];
  for (const s of [...ex.spans].sort((a, b) => a.at - b.at)) {
    const literal: SpanLiteral = { name: s.name, dynamic: s.dynamic, api: s.api, range: s.range };
    const scope = s.scope ?? tracerScope(ex, s);
    if (scope !== undefined) {
      literal.scope = scope;
    }
    if (s.tracerVar !== undefined) {
      literal.tracerVar = s.tracerVar;
    }
    const i = owner(s, true);
    (i >= 0 ? functions[i].spans : orphanSpans).push(literal);
  }
  const routes: RouteInfo[] = ex.routes.map((r) => {
    const route: RouteInfo = {
      framework: r.framework,
      method: r.method,
      path: r.prefix !== undefined ? joinPrefix(r.prefix, r.path) : r.path,
      route: '',
      canonical: '',
      prefixResolved: true,
      range: r.range,
    };
    if (r.router !== undefined) {
      route.router = r.router;
    }
    if (r.handlerName !== undefined) {
      route.handlerName = r.handlerName;
    }
    const i = owner(r, false);
    if (i >= 0) {
      route.handlerId = functions[i].id;
    }
    return route;
  });
  const doc: DocumentMap = {
    path: relPath,
    language,
    functions,
    routes,
    orphanSpans,
    tracers: ex.tracers,
    routers: ex.routers,
    mounts: ex.mounts,
    imports: ex.imports,
    exports: ex.exports,
    hasErrors,
  };
  const docModule = ex.module;
  if (docModule !== undefined) {
    doc.module = docModule;
  }
  if (ex.globalPrefix !== undefined) {
    doc.globalPrefix = ex.globalPrefix;
  }
  return doc;
}

/** The scope of the tracer a span is started on: `tracer`, or `self.tracer` / `this.tracer` of the enclosing class. */
function tracerScope(ex: Extract, s: SpanDraft): string | undefined {
  const own = /^(?:self|cls|this)\.(.+)$/.exec(s.tracerVar ?? '');
  const cls = own ? classAt(ex, s.at) : undefined;
  const name = own ? (cls ? `${cls.name}.${own[1]}` : own[1]) : s.tracerVar;
  return ex.tracers.find((t) => t.variable === name)?.scope;
}

function joinPrefix(prefix: string, p: string): string {
  if (prefix === '') {
    return p;
  }
  const a = prefix.replace(/\/+$/, '');
  return p === '' ? a : `${a}/${p.replace(/^\/+/, '')}`;
}

interface Containers {
  /** Names of the enclosing scopes that qualify the function, outermost first. */
  names: string[];
  /** The innermost enclosing scope is a class (the function is a method). */
  inClass: boolean;
  /** Name of the innermost enclosing class. */
  className?: string;
}

/**
 * For each function (sorted by start), its enclosing classes / namespaces (and functions, for languages that nest
 * names), by a single sweep over the ranges with a stack.
 */
function nesting(spec: LanguageSpec, fns: { d: FnDraft; start: number; end: number }[], scopes: ScopeDraft[]): Containers[] {
  type Entry = { start: number; end: number; name: string; kind: 'class' | 'namespace' | 'function'; fn?: number };
  const entries: Entry[] = [...scopes.map((s) => ({ ...s })), ...fns.map((f, i) => ({ start: f.start, end: f.end, name: f.d.name, kind: 'function' as const, fn: i }))];
  entries.sort((a, b) => a.start - b.start || b.end - a.end || (a.fn === undefined ? -1 : 1));
  const out: Containers[] = new Array<Containers>(fns.length);
  const stack: Entry[] = [];
  for (const e of entries) {
    while (stack.length && stack[stack.length - 1].end <= e.start) {
      stack.pop();
    }
    if (e.fn !== undefined) {
      const names: string[] = [];
      let cls: Entry | undefined;
      for (const s of stack) {
        if (s.kind !== 'function' || spec.nestedNames) {
          names.push(s.name);
        }
        if (s.kind === 'class') {
          cls = s;
        }
      }
      const inner = stack[stack.length - 1];
      const c: Containers = { names, inClass: inner?.kind === 'class' };
      if (cls) {
        c.className = cls.name;
      }
      out[e.fn] = c;
    }
    stack.push(e);
  }
  return out;
}

/**
 * Row and column of an index of `text` as tree-sitter counts them (rows end at `\n`, columns in UTF-16 code units),
 * by binary search over the line starts: no call into tree-sitter per end position.
 */
function positions(text: string): (index: number) => { row: number; column: number } {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return (index) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return { row: lo, column: index - starts[lo] };
  };
}

function toFunction(d: FnDraft, c: Containers, module: string | undefined, relPath: string, e: { row: number; column: number }): FunctionInfo {
  const classes = d.classes ?? c.names;
  // An inline route handler is named after its route; a module prefix would only obscure that.
  const nsParts = d.kind === 'handler' ? [] : [...(module ? [module] : []), ...classes];
  const namespace = nsParts.length ? nsParts.join('.') : undefined;
  const qualifiedName = namespace ? `${namespace}.${d.name}` : d.name;
  const s = d.node.startPosition;
  const fn: FunctionInfo = {
    id: `${relPath}#${qualifiedName}@${s.row + 1}`,
    name: d.name,
    qualifiedName,
    kind: d.kind ?? (d.classes ? (d.classes.length ? 'method' : 'function') : c.inClass ? 'method' : 'function'),
    range: { start: { line: s.row, column: s.column }, end: { line: e.row, column: e.column } },
    nameRange: d.nameRange,
    spans: [],
    routes: [],
    keys: [],
  };
  if (namespace !== undefined) {
    fn.namespace = namespace;
  }
  const className = d.classes ? d.classes[d.classes.length - 1] : c.className;
  if (className !== undefined && d.kind !== 'handler') {
    fn.className = className;
  }
  return fn;
}
