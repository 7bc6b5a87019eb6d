/**
 * The editor's view of a source file mapped to runtime data: functions with their ranges, the span
 * names they start and the routes they serve, and which engine code objects belong to each.
 * The mapping module (src/mapping) produces the functions; until it is available for a language a
 * small line-based fallback below finds Python and JS/TS functions so the editor still works.
 * Pure: no `vscode`, so it is unit-tested and benchmarked in plain Node.
 */
import type { CodeObject } from '../shared/api';
import { pushTo } from '../shared/collections';

export interface MappedRoute {
  method: string;
  path: string;
}

export interface MappedFunction {
  /** Bare name, as written at the definition. */
  name: string;
  /** Module/class qualified name (`app.users.UserService.get`). */
  qualifiedName: string;
  /** 0-based line of the definition's first line (decorators excluded) and of its last line. */
  line: number;
  endLine: number;
  /** 0-based line and column of the name (hover target; differs from `line` with decorators). */
  nameLine: number;
  nameColumn: number;
  spanNames: string[];
  routes: MappedRoute[];
  /** Code-object keys the mapper derived from source (`fn:…`, `endpoint:…` without service, …). */
  keys: string[];
}

export interface DocumentMap {
  path: string;
  languageId: string;
  functions: MappedFunction[];
  /** The mapper's own matcher (the mapping module knows scopes and globs); else `matchCodeObjects`. */
  match?(codeObjects: readonly CodeObject[]): Map<number, CodeObject[]>;
}

export interface MapInput {
  languageId: string;
  text: string;
  /** Workspace-relative path with `/` separators. */
  path: string;
}

/** What the editor needs from a mapper; the mapping module's `mapDocument` is adapted to it. */
export interface DocumentMapper {
  mapDocument(input: MapInput): Promise<DocumentMap> | DocumentMap;
}

/** True for code that the runtime should produce data for (a span literal or a route). */
export function isInstrumented(fn: MappedFunction): boolean {
  return fn.spanNames.length > 0 || fn.routes.length > 0;
}

/** The function whose body holds a 0-based line (innermost when nested). */
export function functionAtLine(map: DocumentMap, line: number): MappedFunction | undefined {
  let best: MappedFunction | undefined;
  for (const fn of map.functions) {
    if (fn.line <= line && line <= fn.endLine && (!best || fn.line >= best.line)) {
      best = fn;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Matching engine code objects to mapped functions.

const routeOf = (name: string): MappedRoute | undefined => {
  const m = /^([A-Z]+) (\/\S*)$/.exec(name);
  return m ? { method: m[1], path: m[2] } : undefined;
};

/** `GET /users/{id}` → `GET /users/{}`: an endpoint name as a comparable route key. */
export function endpointRouteKey(name: string): string {
  const r = routeOf(name);
  return r ? `${r.method} ${normalizeRoute(r.path)}` : name;
}

/** FastAPI `{id}`, Express `:id` and `{id:int}` compare equal. */
export function normalizeRoute(path: string): string {
  const p = path.replace(/\{[^}/]+\}|:[A-Za-z_]\w*/g, '{}').replace(/\/+$/, '');
  return p === '' ? '/' : p;
}

function sameFile(codePath: string | undefined, docPath: string): boolean {
  if (!codePath) {
    return true;
  }
  const a = codePath.replace(/\\/g, '/');
  return a === docPath || a.endsWith(`/${docPath}`) || docPath.endsWith(`/${a}`);
}

/**
 * Which code objects belong to which function (index into `map.functions`), in the order of
 * evidence: `code.*` attributes > span-name literal > route → handler > function-name equality.
 */
export function matchCodeObjects(map: DocumentMap, codeObjects: readonly CodeObject[]): Map<number, CodeObject[]> {
  const byName = new Map<string, number[]>();
  const bySpan = new Map<string, number[]>();
  const byRoute = new Map<string, number[]>();
  map.functions.forEach((fn, i) => {
    pushTo(byName, fn.name, i);
    for (const s of fn.spanNames) {
      pushTo(bySpan, s, i);
    }
    for (const r of fn.routes) {
      pushTo(byRoute, `${r.method.toUpperCase()} ${normalizeRoute(r.path)}`, i);
    }
  });
  const out = new Map<number, CodeObject[]>();
  for (const co of codeObjects) {
    const code = co.code;
    let targets: number[] | undefined;
    if (code?.function && sameFile(code.filepath, map.path)) {
      const bare = code.function.split(/[.:]/).pop() ?? code.function;
      targets = byName.get(bare);
      if (targets && targets.length > 1 && code.lineno !== undefined) {
        const line = code.lineno - 1;
        const hit = targets.find((i) => map.functions[i].line <= line && line <= map.functions[i].endLine);
        targets = hit === undefined ? targets : [hit];
      }
    }
    if (!targets && co.kind === 'span') {
      targets = bySpan.get(co.name);
    }
    if (!targets && co.kind === 'endpoint') {
      const r = routeOf(co.name);
      targets = r ? byRoute.get(`${r.method} ${normalizeRoute(r.path)}`) : undefined;
    }
    if (!targets && co.kind === 'function' && (!code?.filepath || sameFile(code.filepath, map.path))) {
      targets = byName.get(co.name.split('.').pop() ?? co.name);
    }
    // Ambiguous evidence (the same span name in two functions) is not guessed.
    if (targets && targets.length === 1) {
      pushTo(out, targets[0], co);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Line-based fallback mapper for Python and JS/TS.

const PY_DEF = /^(\s*)(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/;
const PY_CLASS = /^(\s*)class\s+([A-Za-z_]\w*)/;
const PY_ROUTE = /^\s*@\s*\w+\.(get|post|put|delete|patch|head|options)\(\s*(['"])([^'"]*)\2/i;
const PY_SPAN = /\b(?:start_as_current_span|start_span)\(\s*(?:name\s*=\s*)?(['"])([^'"]+)\1/g;
const TS_FN = /^(\s*)(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*[(<]/;
const TS_ARROW = /^(\s*)(?:export\s+)?(?:const|let)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)/;
const TS_METHOD = /^(\s+)(?:(?:public|private|protected|static|async|override|readonly)\s+)*([A-Za-z_$][\w$]*)\s*\([^)]*\)?\s*(?::\s*[^{]+)?\{\s*$/;
const TS_CLASS = /^(\s*)(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/;
const TS_ROUTE = /\b\w+\.(get|post|put|delete|patch)\(\s*(['"`])([^'"`]*)\2\s*,\s*(?:[\w.]+\s*,\s*)*([A-Za-z_$][\w$]*)\s*\)/;
const TS_SPAN = /\b(?:startActiveSpan|startSpan)\(\s*(['"`])([^'"`]+)\1/g;
const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'constructor']);

function modulePath(path: string): string {
  return path.replace(/\.[^./]+$/, '').replace(/\/(__init__|index)$/, '').replace(/\//g, '.');
}

export function fallbackMapDocument(input: MapInput): DocumentMap {
  const lines = input.text.split(/\r?\n/);
  const functions = input.languageId === 'python' ? mapPython(lines, input.path) : /^(typescript|javascript)(react)?$/.test(input.languageId) ? mapTs(lines, input.path) : [];
  return { path: input.path, languageId: input.languageId, functions };
}

/** A function found at line `i` by a definition regex (group 1: indent, group 2: name). */
function newFunction(def: RegExpExecArray, text: string, i: number, qualifiedName: string, routes: MappedRoute[]): MappedFunction {
  return { name: def[2], qualifiedName, line: i, endLine: i, nameLine: i, nameColumn: text.indexOf(def[2], def[1].length), spanNames: [], routes, keys: [`fn:${qualifiedName}`] };
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function mapPython(lines: string[], path: string): MappedFunction[] {
  const mod = modulePath(path);
  const out: MappedFunction[] = [];
  const classes: { indent: number; name: string }[] = [];
  const open: { fn: MappedFunction; indent: number }[] = [];
  let pendingRoutes: MappedRoute[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      continue;
    }
    const ind = indentOf(text);
    while (open.length && ind <= open[open.length - 1].indent && !trimmed.startsWith(')')) {
      open.pop();
    }
    while (classes.length && ind <= classes[classes.length - 1].indent) {
      classes.pop();
    }
    const route = PY_ROUTE.exec(text);
    if (route) {
      pendingRoutes.push({ method: route[1].toUpperCase(), path: route[3] });
      continue;
    }
    if (trimmed.startsWith('@')) {
      continue;
    }
    const cls = PY_CLASS.exec(text);
    if (cls) {
      classes.push({ indent: ind, name: cls[2] });
      pendingRoutes = [];
      continue;
    }
    const def = PY_DEF.exec(text);
    if (def) {
      const owner = classes.map((c) => c.name).join('.');
      const qualifiedName = [mod, owner, def[2]].filter(Boolean).join('.');
      const fn = newFunction(def, text, i, qualifiedName, pendingRoutes);
      pendingRoutes = [];
      out.push(fn);
      open.push({ fn, indent: ind });
      continue;
    }
    for (const o of open) {
      o.fn.endLine = i;
    }
    const inner = open[open.length - 1];
    if (inner) {
      for (const m of text.matchAll(PY_SPAN)) {
        inner.fn.spanNames.push(m[2]);
      }
    }
  }
  return out;
}

function mapTs(lines: string[], path: string): MappedFunction[] {
  const mod = modulePath(path);
  const out: MappedFunction[] = [];
  const classes: { depth: number; name: string }[] = [];
  const open: { fn: MappedFunction; depth: number }[] = [];
  const routes: { line: number; route: MappedRoute; handler: string }[] = [];
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const cls = TS_CLASS.exec(text);
    const top = TS_FN.exec(text) ?? TS_ARROW.exec(text);
    const method = !top && classes.length ? TS_METHOD.exec(text) : null;
    const def = top ?? method;
    if (cls) {
      classes.push({ depth, name: cls[2] });
    } else if (def && !KEYWORDS.has(def[2])) {
      const owner = method ? classes[classes.length - 1]?.name : undefined;
      const qualifiedName = [mod, owner, def[2]].filter(Boolean).join('.');
      const fn = newFunction(def, text, i, qualifiedName, []);
      out.push(fn);
      open.push({ fn, depth });
    }
    const r = TS_ROUTE.exec(text);
    if (r) {
      routes.push({ line: i, route: { method: r[1].toUpperCase(), path: r[3] }, handler: r[4] });
    }
    const inner = open[open.length - 1];
    if (inner) {
      for (const m of text.matchAll(TS_SPAN)) {
        inner.fn.spanNames.push(m[2]);
      }
    }
    for (const ch of text.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '')) {
      if (ch === '{') {
        depth++;
      } else if (ch === '}') {
        depth--;
      }
    }
    for (const o of open) {
      o.fn.endLine = i;
    }
    while (open.length && depth <= open[open.length - 1].depth && !/[{(]\s*$/.test(text)) {
      open.pop();
    }
    while (classes.length && depth <= classes[classes.length - 1].depth && !cls) {
      classes.pop();
    }
  }
  for (const { route, handler } of routes) {
    out.find((f) => f.name === handler)?.routes.push(route);
  }
  return out;
}
