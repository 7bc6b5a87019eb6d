/**
 * Go: functions and methods (`package.Type.Method`), `tracer.Start(ctx, "name")` with `otel.Tracer("name")`, and
 * routes of `net/http` (`HandleFunc`, Go 1.22 `"GET /x/{id}"` patterns, gorilla `.Methods()`), chi (`r.Get`,
 * `r.Route("/p", func(r chi.Router) {…})`, `r.Mount`) and gin (`r.GET`, `r.Group("/v1")`).
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import type { Framework } from '../types';
import type { Anchor, Extract, ExtractContext, LanguageSpec } from './common';
import { capturesByName, derive, emptyExtract, nameOf, namedChildren, rangeOf } from './common';
import { stringValue } from './strings';

const QUERY = `
(package_clause (package_identifier) @pkg)
(function_declaration name: (identifier) @fn.name) @fn
(method_declaration receiver: (parameter_list) @fn.recv name: (field_identifier) @fn.name) @fn
((call_expression function: (selector_expression field: (field_identifier) @call.prop) arguments: (argument_list)) @call
  (#match? @call.prop "^(Start|Tracer|HandleFunc|Handle|Get|Post|Put|Delete|Patch|Head|Options|Connect|Trace|Route|Group|Mount|Method|MethodFunc|GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|Any|NewRouter|Default|New|NewServeMux)$"))
`;

const CHI_VERBS = new Set(['Get', 'Post', 'Put', 'Delete', 'Patch', 'Head', 'Options', 'Connect', 'Trace']);
const GIN_VERBS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'Any']);

/** A method's receiver: its type (`*Server` → `Server`, `Box[T]` → `Box`) and its name (`s`), when named. */
function receiver(recv: Node): { type?: string; name?: string } {
  const param = namedChildren(recv).find((n) => n.type === 'parameter_declaration');
  return { type: param?.childForFieldName('type')?.text.replace(/^\*/, '').replace(/\[.*\]$/, ''), name: param?.childForFieldName('name')?.text };
}

/** A type as written in a composite literal (`pkg.Server`, `Box[int]`) → its bare name (`Server`, `Box`). */
function bareType(text: string): string {
  return text.replace(/\[.*\]$/, '').split('.').pop()!;
}

/**
 * The struct field a call's value is set to in a composite literal (`&Server{tracer: otel.Tracer("x")}`), as
 * `Type.field`: what spans started on that field of a receiver (`s.tracer.Start(…)`) name.
 */
function literalField(call: Node): string | undefined {
  const element = call.parent;
  const keyed = element?.type === 'literal_element' ? element.parent : element;
  if (keyed?.type !== 'keyed_element') {
    return undefined;
  }
  const key = keyed.namedChild(0);
  const literal = keyed.parent?.type === 'literal_value' ? keyed.parent.parent : undefined;
  const type = literal?.type === 'composite_literal' ? literal.childForFieldName('type')?.text : undefined;
  const field = key?.text;
  return type && field && /^\w+$/.test(field) && key.endIndex <= call.startIndex ? `${bareType(type)}.${field}` : undefined;
}

/** Methods with a named receiver, by range: who `s` is in `s.tracer`. */
interface Receiver {
  start: number;
  end: number;
  name: string;
  type: string;
}

/**
 * `s.tracer` inside a method whose receiver is `s *Server` → `Server.tracer` (for tracer variables and the variables
 * spans are started on), so a field set in a constructor resolves in every method, in this file or another one of
 * the package. Anything else is returned as it is.
 */
function qualifyField(variable: string, at: number, receivers: Receiver[]): string {
  const dot = variable.indexOf('.');
  if (dot < 0) {
    return variable;
  }
  const r = receivers.find((x) => x.start <= at && at < x.end);
  return r && variable.slice(0, dot) === r.name && /^\w+$/.test(variable.slice(dot + 1)) ? `${r.type}${variable.slice(dot)}` : variable;
}

/** The variable a call's value is assigned to (`r := chi.NewRouter()`, `var tracer = otel.Tracer("x")`). */
function assignedVariable(call: Node): string | undefined {
  const list = call.parent;
  if (list?.type !== 'expression_list') {
    return undefined;
  }
  const stmt = list.parent;
  if (stmt?.type === 'short_var_declaration' || stmt?.type === 'assignment_statement') {
    return stmt.childForFieldName('left')?.namedChild(0)?.text;
  }
  if (stmt?.type === 'var_spec') {
    return stmt.childForFieldName('name')?.text;
  }
  return undefined;
}

/** `http.HandlerFunc(h)` / `otelhttp.NewHandler(h, "x")` → `h`; `h.getOrder` stays. */
function handlerRef(node: Node): string | undefined {
  if (node.type === 'identifier' || node.type === 'selector_expression') {
    return node.text;
  }
  if (node.type === 'call_expression') {
    const inner = node.childForFieldName('arguments')?.namedChild(0);
    return inner ? handlerRef(inner) : undefined;
  }
  return undefined;
}

interface RouterScope {
  router: string;
  prefix: string;
}

/**
 * Inside `r.Route("/p", func(r chi.Router) {…})` (or chi `r.Group(func(r chi.Router) {…})`) the parameter stands
 * for the outer router with the path added: resolves `recv` to the outer router and the accumulated prefix.
 */
function routerScope(call: Node, recv: string): RouterScope {
  let prefix = '';
  let router = recv;
  for (let p = call.parent; p; p = p.parent) {
    if (p.type !== 'func_literal') {
      continue;
    }
    const params = p.childForFieldName('parameters');
    const param = params ? namedChildren(params)[0]?.childForFieldName('name')?.text : undefined;
    const outer = p.parent?.parent;
    if (param !== router || outer?.type !== 'call_expression') {
      continue;
    }
    const f = outer.childForFieldName('function');
    const prop = f?.childForFieldName('field')?.text;
    if (f?.type !== 'selector_expression' || (prop !== 'Route' && prop !== 'Group')) {
      continue;
    }
    const path = prop === 'Route' ? (stringValue(outer.childForFieldName('arguments')?.namedChild(0))?.value ?? '') : '';
    prefix = path.replace(/\/+$/, '') + prefix;
    router = f.childForFieldName('operand')?.text ?? router;
  }
  return { router, prefix };
}

function extract(ctx: ExtractContext): Extract {
  const ex = emptyExtract();
  const calls: Record<string, Node>[] = [];
  const receivers: Receiver[] = [];
  for (const m of ctx.matches()) {
    const c = capturesByName(m);
    if (c.pkg) {
      ex.module = c.pkg.text;
    } else if (c.fn) {
      const recv = c['fn.recv'] ? receiver(c['fn.recv']) : {};
      ex.functions.push({ node: c.fn, ...nameOf(c['fn.name']), classes: recv.type ? [recv.type] : [] });
      if (recv.type && recv.name) {
        receivers.push({ start: c.fn.startIndex, end: c.fn.endIndex, name: recv.name, type: recv.type });
      }
    } else if (c.call) {
      derive(c, 'call', { 'call.obj': ['function', 'operand'], 'call.args': ['arguments'] });
      calls.push(c);
    }
  }
  for (const c of calls) {
    call(ex, c, receivers);
  }
  return ex;
}

function call(ex: Extract, c: Record<string, Node>, receivers: Receiver[]): void {
  const prop = c['call.prop'].text;
  const obj = c['call.obj'];
  const args = namedChildren(c['call.args']).filter((n) => n.type !== 'comment');
  const pkg = obj.text;
  if (prop === 'Tracer') {
    const scope = stringValue(args[0])?.value;
    const assigned = assignedVariable(c.call);
    const variable = assigned !== undefined ? qualifyField(assigned, c.call.startIndex, receivers) : literalField(c.call);
    if (scope !== undefined && variable) {
      ex.tracers.push({ variable, scope });
    }
    return;
  }
  if (prop === 'Start') {
    const name = stringValue(args[1]);
    if (!name || args.length < 2) {
      return;
    }
    const inline = obj.type === 'call_expression' && obj.childForFieldName('function')?.childForFieldName('field')?.text === 'Tracer';
    const scope = inline ? stringValue(obj.childForFieldName('arguments')?.namedChild(0))?.value : undefined;
    ex.spans.push({ name: name.value, dynamic: name.dynamic, api: 'Start', ...(scope !== undefined ? { scope } : { tracerVar: qualifyField(obj.text, c.call.startIndex, receivers) }), range: rangeOf(c.call), at: c.call.startIndex });
    return;
  }
  const constructors: Record<string, [string, Framework]> = { NewRouter: ['chi', 'chi'], Default: ['gin', 'gin'], New: ['gin', 'gin'], NewServeMux: ['http', 'nethttp'] };
  if (constructors[prop]) {
    const [expectPkg, framework] = constructors[prop];
    const variable = assignedVariable(c.call);
    if (variable && (pkg === expectPkg || (prop === 'NewRouter' && pkg === 'mux'))) {
      ex.routers.push({ variable, framework, prefix: '', root: true });
    }
    return;
  }
  const scope = routerScope(c.call, pkg);
  if (prop === 'Group' || prop === 'Mount') {
    const path = stringValue(args[0])?.value;
    if (path === undefined) {
      return;
    }
    if (prop === 'Group') {
      const variable = assignedVariable(c.call);
      if (variable) {
        ex.routers.push({ variable, framework: 'gin', prefix: '', root: false });
        ex.mounts.push({ parent: scope.router, child: variable, prefix: scope.prefix + path, replacesPrefix: false });
      }
    } else if (args[1]?.type === 'identifier') {
      ex.mounts.push({ parent: scope.router, child: args[1].text, prefix: scope.prefix + path, replacesPrefix: false });
    }
    return;
  }
  let method: string;
  let pathArg: Node | undefined;
  let framework: Framework;
  if (prop === 'HandleFunc' || prop === 'Handle') {
    pathArg = args[0];
    method = '*';
    framework = 'nethttp';
  } else if (prop === 'Method' || prop === 'MethodFunc') {
    method = stringValue(args[0])?.value.toUpperCase() ?? '*';
    pathArg = args[1];
    framework = 'chi';
  } else if (CHI_VERBS.has(prop)) {
    method = prop.toUpperCase();
    pathArg = args[0];
    framework = 'chi';
  } else if (GIN_VERBS.has(prop)) {
    method = prop === 'Any' ? '*' : prop;
    pathArg = args[0];
    framework = 'gin';
  } else {
    return;
  }
  const pattern = stringValue(pathArg);
  const handler = args[args.length - 1];
  if (!pattern || args.length < 2 || handler === pathArg) {
    return;
  }
  let path = pattern.value;
  const withMethod = /^([A-Z]+)\s+(\/.*)$/.exec(path);
  if (withMethod) {
    method = withMethod[1];
    path = withMethod[2];
  }
  if (!path.startsWith('/')) {
    return;
  }
  // gorilla/mux: r.HandleFunc("/x", h).Methods("GET", "POST")
  const methods = gorillaMethods(c.call) ?? [method];
  const router = pkg === 'http' ? undefined : scope.router;
  for (const [i, m] of methods.entries()) {
    const route = { framework, method: m, path: scope.prefix + path, range: rangeOf(c.call), at: c.call.startIndex, ...(router !== undefined ? { router } : {}) };
    if (handler.type === 'func_literal') {
      if (i === 0) {
        ex.functions.push({ node: handler, nameRange: rangeOf(c.call.childForFieldName('function') ?? c.call), name: `${m === '*' ? 'ANY' : m} ${path}`, classes: [], kind: 'handler' });
      }
      ex.routes.push({ ...route, owner: handler.startIndex });
    } else {
      const ref = handlerRef(handler);
      ex.routes.push(ref !== undefined ? { ...route, handlerName: ref } : route);
    }
  }
}

function gorillaMethods(call: Node): string[] | undefined {
  const sel = call.parent;
  if (sel?.type !== 'selector_expression' || sel.childForFieldName('field')?.text !== 'Methods') {
    return undefined;
  }
  const outer = sel.parent;
  const list = outer?.type === 'call_expression' ? outer.childForFieldName('arguments') : null;
  const methods = list ? namedChildren(list).map((n) => stringValue(n)?.value.toUpperCase()) : [];
  return methods.length && methods.every((m) => m) ? (methods as string[]) : undefined;
}

/** Where QUERY's patterns start (see common.ts): keep in step with QUERY and its predicate. */
const ANCHORS: Anchor[] = [
  { pattern: /\bpackage\b/g, types: ['package_clause'] },
  { pattern: /\bfunc\b/g, types: ['function_declaration', 'method_declaration'] },
  {
    pattern:
      /\.\s*(Start|Tracer|HandleFunc|Handle|Get|Post|Put|Delete|Patch|Head|Options|Connect|Trace|Route|Group|Mount|Method|MethodFunc|GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|Any|NewRouter|Default|New|NewServeMux)\s*(?:\[[^\]\n]*\]\s*)?(\()/dg,
    types: ['call_expression'],
    up: 2,
  },
];

export const goSpec: LanguageSpec = { language: 'go', grammar: 'tree-sitter-go.wasm', query: QUERY, anchors: ANCHORS, nestedNames: false, extract };
