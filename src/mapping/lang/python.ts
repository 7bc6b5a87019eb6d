/**
 * Python: functions and methods (qualified by dotted module and classes), `start_as_current_span` / `start_span`
 * in with-statements, calls and decorators, `trace.get_tracer(__name__)` resolved to the module, FastAPI
 * (`FastAPI`, `APIRouter(prefix=)`, `include_router(prefix=)`) and Flask (`route`, `methods=`, `Blueprint(url_prefix=)`,
 * `register_blueprint(url_prefix=)`) routes.
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import type { Framework, SourceRange, SpanApi } from '../types';
import type { Anchor, Extract, ExtractContext, LanguageSpec } from './common';
import { addTracer, capturesByName, classAt, derive, emptyExtract, nameOf, namedChildren, rangeOf } from './common';
import { imports } from './pythonImports';
import type { StringValue } from './strings';
import { simpleFString, stringValue } from './strings';

const QUERY = `
(class_definition) @cls
(function_definition) @fn
(decorated_definition definition: (function_definition)) @dd
(decorated_definition
  (decorator (call function: (attribute attribute: (identifier)) arguments: (argument_list))) @dec
  definition: (function_definition))
((call function: (attribute attribute: (identifier) @call.attr) arguments: (argument_list)) @call
  (#match? @call.attr "^(start_as_current_span|start_span|include_router|register_blueprint|add_api_route|add_url_rule)$"))
((assignment right: (call function: (_) @asg.fn)) @asg
  (#match? @asg.fn "(FastAPI|APIRouter|Flask|Blueprint|get_tracer)$"))
(import_from_statement) @import.from
(import_statement) @import
`;

const ROUTE_ATTRS = new Set(['get', 'post', 'put', 'delete', 'patch', 'head', 'options', 'trace', 'route', 'api_route']);

interface Args {
  positional: Node[];
  keywords: ReadonlyMap<string, Node>;
}

/** The keywords of a call without any (most calls): shared, never written. */
const NO_KEYWORDS: ReadonlyMap<string, Node> = new Map();

function args(list: Node): Args {
  const positional: Node[] = [];
  let keywords: Map<string, Node> | undefined;
  for (const c of namedChildren(list)) {
    const type = c.type;
    if (type === 'keyword_argument') {
      const name = c.childForFieldName('name');
      const value = c.childForFieldName('value');
      if (name && value) {
        (keywords ??= new Map()).set(name.text, value);
      }
    } else if (type !== 'comment') {
      positional.push(c);
    }
  }
  return { positional, keywords: keywords ?? NO_KEYWORDS };
}

function stringList(node: Node | undefined): string[] | undefined {
  if (!node || (node.type !== 'list' && node.type !== 'tuple' && node.type !== 'set')) {
    return undefined;
  }
  return namedChildren(node)
    .map((c) => stringValue(c)?.value)
    .filter((v): v is string => v !== undefined);
}

function extract(ctx: ExtractContext): Extract {
  const ex = emptyExtract();
  ex.module = ctx.module;
  const decorators: Record<string, Node>[] = [];
  const calls: Record<string, Node>[] = [];
  const fns: Record<string, Node>[] = [];
  const decorated: Node[] = [];
  const decoratorCalls = new Set<number>();
  for (const m of ctx.matches()) {
    const c = capturesByName(m);
    if (c.cls) {
      ex.scopes.push({ start: c.cls.startIndex, end: c.cls.endIndex, name: definitionName(ctx.text, c.cls).name, kind: 'class' });
    } else if (c.fn) {
      fns.push(c);
    } else if (c.dd) {
      decorated.push(c.dd);
    } else if (c.dec) {
      decorators.push(c);
      decoratorCalls.add(decoratorCallStart(ctx.text, c.dec));
    } else if (c.call) {
      calls.push(c);
    } else if (c.asg) {
      derive(c, 'asg', { 'asg.left': ['left'], 'asg.args': ['right', 'arguments'] });
      assignment(ctx, ex, c);
    } else if (c['import.from'] || c.import) {
      imports(ctx, c['import.from'] ?? c.import, ex.imports);
    }
  }
  // Decorators hold no function definitions: a decorated definition's or a decorator's function is the first
  // function starting after it.
  const starts = Int32Array.from(fns, (c) => c.fn.startIndex).sort();
  /** function_definition start → its decorated_definition (the range that includes the decorators). */
  const outer = new Map<number, Node>();
  for (const dd of decorated) {
    outer.set(starts[firstAfter(starts, dd.startIndex)], dd);
  }
  for (const c of fns) {
    ex.functions.push({ node: outer.get(c.fn.startIndex) ?? c.fn, key: c.fn, ...definitionName(ctx.text, c.fn) });
  }
  for (const c of calls) {
    // A decorator's call is read with its decorator: no fields followed here.
    if (!decoratorCalls.has(c.call.startIndex) && !simpleSpanCall(ctx.text, ex, c.call)) {
      derive(c, 'call', { 'call.obj': ['function', 'object'], 'call.args': ['arguments'] });
      call(ctx, ex, c);
    }
  }
  // Decorators last: the router declarations of the file tell FastAPI from Flask.
  for (const c of decorators) {
    decorator(ctx.text, ex, c.dec, starts[firstAfter(starts, c.dec.startIndex)]);
  }
  return ex;
}

const DEFINITION = /(?:async[ \t]+)?(?:def|class)[ \t]+([^\s([:#\\]+)/y;

/**
 * The name of a function or class definition and its range, read from the text after `def` / `class` (no capture
 * and no node for it: one definition in five lines of a dense file); from the tree when the text is unusual (a line
 * continuation before the name).
 */
function definitionName(text: string, node: Node): { name: string; nameRange: SourceRange } {
  DEFINITION.lastIndex = node.startIndex;
  const m = DEFINITION.exec(text);
  if (!m) {
    const nameNode = node.childForFieldName('name');
    return nameNode ? nameOf(nameNode) : { name: '', nameRange: rangeOf(node) };
  }
  const name = m[1];
  const { row, column } = node.startPosition;
  const start = column + m[0].length - name.length;
  return { name, nameRange: { start: { line: row, column: start }, end: { line: row, column: start + name.length } } };
}

/** Index of the first value greater than `at` in ascending `sorted` (its length when there is none). */
function firstAfter(sorted: Int32Array, at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= at) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * Where the call of a decorator starts: after its `@` and blanks (read from its node when a comment or a line
 * continuation comes first).
 */
function decoratorCallStart(text: string, dec: Node): number {
  let i = dec.startIndex + 1;
  while (text[i] === ' ' || text[i] === '\t') {
    i++;
  }
  return /[\s\\#\uFEFF\u2060\u200B]/.test(text[i] ?? '') ? (namedChildren(dec)[0]?.startIndex ?? i) : i;
}

function spanName(a: Args): { value: string; dynamic: boolean } | undefined {
  return stringValue(a.positional[0] ?? a.keywords.get('name'));
}

/** `tracer.start_span("x"` / `self.tracer.start_as_current_span(f"x {y}",`: a dotted tracer, a first argument in quotes. */
const SIMPLE_SPAN_CALL = /(\w+(?:\.\w+)*)\.(start_as_current_span|start_span)\([ \t]*([A-Za-z]?)("[^"\\\n]*"|'[^'\\\n]*')[ \t]*[,)]/y;

/**
 * A span started by a call whose tracer is a dotted name and whose name is a plain or simple f-string, read from the
 * text (no node for its parts); false for anything else, which `call` reads from the nodes.
 */
function simpleSpanCall(text: string, ex: Extract, node: Node): boolean {
  SIMPLE_SPAN_CALL.lastIndex = node.startIndex;
  const m = SIMPLE_SPAN_CALL.exec(text);
  const name = !m ? undefined : m[3] === '' ? { value: m[4].slice(1, -1), dynamic: false } : m[3] === 'f' || m[3] === 'F' ? simpleFString(m[3] + m[4]) : undefined;
  if (!m || !name) {
    return false;
  }
  ex.spans.push({ name: name.value, dynamic: name.dynamic, api: m[2] as SpanApi, tracerVar: m[1], range: rangeOf(node), at: node.startIndex });
  return true;
}

function call(ctx: ExtractContext, ex: Extract, c: Record<string, Node>): void {
  const attr = c['call.attr'].text;
  const obj = c['call.obj'];
  const a = args(c['call.args']);
  if (attr === 'start_as_current_span' || attr === 'start_span') {
    const name = spanName(a);
    if (!name) {
      return;
    }
    const scope = obj.type === 'call' ? tracerScope(ctx, obj.childForFieldName('arguments')) : undefined;
    ex.spans.push({
      name: name.value,
      dynamic: name.dynamic,
      api: attr,
      ...(scope !== undefined ? { scope } : { tracerVar: obj.text }),
      range: rangeOf(c.call),
      at: c.call.startIndex,
    });
  } else if (attr === 'include_router' || attr === 'register_blueprint') {
    const child = a.positional[0] ?? a.keywords.get(attr === 'include_router' ? 'router' : 'blueprint');
    if (!child) {
      return;
    }
    const prefixNode = a.keywords.get(attr === 'include_router' ? 'prefix' : 'url_prefix');
    const prefix = stringValue(prefixNode)?.value ?? '';
    ex.mounts.push({ parent: obj.text, child: child.text, prefix, replacesPrefix: attr === 'register_blueprint' && !!prefixNode });
  } else if (attr === 'add_api_route' || attr === 'add_url_rule') {
    ruleCall(ex, c, attr, a);
  }
}

/**
 * FastAPI `app.add_api_route("/x", handler, methods=["POST"])` (path, endpoint) and Flask
 * `app.add_url_rule("/x", view_func=handler)` / `add_url_rule("/x", "endpoint", handler, methods=[…])`
 * (rule, endpoint, view_func): a route whose handler is given by reference; GET when no methods are given.
 */
function ruleCall(ex: Extract, c: Record<string, Node>, attr: 'add_api_route' | 'add_url_rule', a: Args): void {
  const fastapi = attr === 'add_api_route';
  const path = stringValue(a.positional[0] ?? a.keywords.get(fastapi ? 'path' : 'rule'));
  const handler = fastapi ? (a.positional[1] ?? a.keywords.get('endpoint')) : (a.positional[2] ?? a.keywords.get('view_func'));
  if (!path || !handler) {
    return;
  }
  // A function by name (`handler`, `views.handler`); a class-based view (`UserAPI.as_view("users")`) stays unresolved.
  const ref = handler.type === 'identifier' || handler.type === 'attribute' ? handler.text : undefined;
  const methods = stringList(a.keywords.get('methods')) ?? ['GET'];
  pushRoutes(ex, c['call.obj'].text, fastapi ? 'fastapi' : 'flask', methods, path.value, c.call, ref !== undefined ? { handlerName: ref } : {});
}

/** One route per method; the framework is the router's when it was declared in the file. */
function pushRoutes(ex: Extract, router: string, guess: Framework, methods: string[], path: string, at: Node, handler: { handlerName?: string; owner?: number }): void {
  const framework = ex.routers.find((r) => r.variable === router)?.framework ?? guess;
  for (const method of methods) {
    ex.routes.push({ framework, method: method.toUpperCase(), path, router, ...handler, range: rangeOf(at), at: at.startIndex });
  }
}

function tracerScope(ctx: ExtractContext, argList: Node | null): string | undefined {
  const first = argList ? args(argList).positional[0] : undefined;
  if (!first) {
    return undefined;
  }
  if (first.type === 'identifier' && first.text === '__name__') {
    return ctx.module;
  }
  return stringValue(first)?.value;
}

function assignment(ctx: ExtractContext, ex: Extract, c: Record<string, Node>): void {
  const variable = c['asg.left'].text;
  const fn = c['asg.fn'].text;
  const a = args(c['asg.args']);
  if (/get_tracer$/.test(fn)) {
    const scope = tracerScope(ctx, c['asg.args']);
    if (scope !== undefined) {
      // `self.tracer = …` in a method and `tracer = …` in a class body are used as `self.tracer` / `cls.tracer`.
      const own = /^(?:self|cls)\.(\w+)$/.exec(variable);
      const inClassBody = c.asg.parent?.parent?.parent?.type === 'class_definition';
      const cls = own || inClassBody ? classAt(ex, c.asg.startIndex) : undefined;
      addTracer(ex, own ? own[1] : variable, scope, cls, !cls);
    }
  } else if (/FastAPI$/.test(fn)) {
    ex.routers.push({ variable, framework: 'fastapi', prefix: '', root: true });
  } else if (/APIRouter$/.test(fn)) {
    ex.routers.push({ variable, framework: 'fastapi', prefix: stringValue(a.keywords.get('prefix'))?.value ?? '', root: false });
  } else if (/Flask$/.test(fn)) {
    ex.routers.push({ variable, framework: 'flask', prefix: '', root: true });
  } else if (/Blueprint$/.test(fn)) {
    ex.routers.push({ variable, framework: 'flask', prefix: stringValue(a.keywords.get('url_prefix'))?.value ?? '', root: false });
  }
}

/**
 * `@router.get("/{id}")`: a dotted object, an attribute and one string without prefix or escape (braces are literal
 * text without an `f` prefix), as written.
 */
const SIMPLE_DECORATOR = /@[ \t]*(\w+(?:\.\w+)*)\.(\w+)\([ \t]*(?:"([^"\\\n]*)"|'([^'\\\n]*)')[ \t]*\)/y;

/**
 * A decorator `@obj.attr(…)` of a function: a span (`start_as_current_span`) or a route. The usual one-string form is
 * read from the text (no node for its parts); anything else from its call's nodes.
 */
function decorator(text: string, ex: Extract, dec: Node, fnStart: number): void {
  SIMPLE_DECORATOR.lastIndex = dec.startIndex;
  const m = SIMPLE_DECORATOR.exec(text);
  let obj: string;
  let attr: string;
  let a: Args | undefined;
  let first: StringValue | undefined;
  if (m) {
    [, obj, attr] = m;
    first = { value: m[3] ?? m[4], dynamic: false };
  } else {
    const call = namedChildren(dec).find((n) => n.type === 'call');
    const fn = call?.childForFieldName('function');
    const list = call?.childForFieldName('arguments');
    if (!fn || !list) {
      return;
    }
    obj = fn.childForFieldName('object')?.text ?? '';
    attr = fn.childForFieldName('attribute')?.text ?? '';
    a = args(list);
  }
  if (attr === 'start_as_current_span') {
    const name = a ? spanName(a) : first;
    if (name) {
      ex.spans.push({ name: name.value, dynamic: name.dynamic, api: attr, tracerVar: obj, range: rangeOf(dec), at: dec.startIndex, owner: fnStart });
    }
    return;
  }
  if (!ROUTE_ATTRS.has(attr)) {
    return;
  }
  const path = a ? stringValue(a.positional[0] ?? a.keywords.get('path') ?? a.keywords.get('rule')) : first;
  if (!path) {
    return;
  }
  const methods = attr === 'route' || attr === 'api_route' ? ((a && stringList(a.keywords.get('methods'))) ?? ['GET']) : [attr];
  pushRoutes(ex, obj, attr === 'route' ? 'flask' : 'fastapi', methods, path.value, dec, { owner: fnStart });
}

/** Blanks and line breaks (what `\s` matches) from a position on. */
const BLANKS = /\s*/y;

/**
 * Where QUERY's patterns start (see common.ts): keep in step with QUERY and its predicates. Group positions are
 * computed from the match (`range`) rather than with the `d` flag: no index arrays per match.
 */
const ANCHORS: Anchor[] = [
  { pattern: /\b(?:class|def)\b/g, types: ['class_definition', 'function_definition'], bare: { class_definition: 'cls', function_definition: 'fn' } },
  // The range through the first character of the next line is the decorated definition (a one-line decorator).
  {
    pattern: /^[ \t]*@(?=[^\n]*\n\s*\S)/gm,
    types: ['decorated_definition'],
    up: 1,
    range: (m, text) => {
      const at = m.index + m[0].length - 1;
      BLANKS.lastIndex = text.indexOf('\n', at);
      BLANKS.exec(text);
      return [at, at + 1, BLANKS.lastIndex + 1];
    },
  },
  {
    pattern: /\b(start_as_current_span|start_span|include_router|register_blueprint|add_api_route|add_url_rule)\s*\(/g,
    types: ['call'],
    up: 2,
    range: (m) => [m.index, m.index + m[1].length, m.index + m[0].length],
  },
  { pattern: /(FastAPI|APIRouter|Flask|Blueprint|get_tracer)\s*\(/g, types: ['assignment'], up: 3, range: (m) => [m.index, m.index + m[1].length, -1] },
  { pattern: /\b(?:import|from)\b/g, types: ['import_statement', 'import_from_statement'], bare: { import_statement: 'import', import_from_statement: 'import.from' } },
];

export const pythonSpec: LanguageSpec = { language: 'python', grammar: 'tree-sitter-python.wasm', query: QUERY, anchors: ANCHORS, nestedNames: true, extract };
