/**
 * Go: functions and methods (`package.Type.Method`), `tracer.Start(ctx, "name")` with `otel.Tracer("name")`, and
 * routes of `net/http` (`HandleFunc`, Go 1.22 `"GET /x/{id}"` patterns, gorilla `.Methods()`), chi (`r.Get`,
 * `r.Route("/p", func(r chi.Router) {…})`, `r.Mount`) and gin (`r.GET`, `r.Group("/v1")`).
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import type { Framework } from '../types';
import type { Anchor, Extract, ExtractContext, LanguageSpec } from './common';
import { capturesByName, derive, emptyExtract, nameOf, namedChildren, rangeOf, stringValue } from './common';

const QUERY = `
(package_clause (package_identifier) @pkg)
(function_declaration name: (identifier) @fn.name) @fn
(method_declaration receiver: (parameter_list) @fn.recv name: (field_identifier) @fn.name) @fn
((call_expression function: (selector_expression field: (field_identifier) @call.prop) arguments: (argument_list)) @call
  (#match? @call.prop "^(Start|Tracer|HandleFunc|Handle|Get|Post|Put|Delete|Patch|Head|Options|Connect|Trace|Route|Group|Mount|Method|MethodFunc|GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|Any|NewRouter|Default|New|NewServeMux)$"))
`;

const CHI_VERBS = new Set(['Get', 'Post', 'Put', 'Delete', 'Patch', 'Head', 'Options', 'Connect', 'Trace']);
const GIN_VERBS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'Any']);

function receiverType(recv: Node): string | undefined {
  const param = namedChildren(recv).find((n) => n.type === 'parameter_declaration');
  const type = param?.childForFieldName('type');
  return type?.text.replace(/^\*/, '').replace(/\[.*\]$/, '');
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
  for (const m of ctx.matches()) {
    const c = capturesByName(m);
    if (c.pkg) {
      ex.module = c.pkg.text;
    } else if (c.fn) {
      const recv = c['fn.recv'] ? receiverType(c['fn.recv']) : undefined;
      ex.functions.push({ node: c.fn, ...nameOf(c['fn.name']), classes: recv ? [recv] : [] });
    } else if (c.call) {
      derive(c, 'call', { 'call.obj': ['function', 'operand'], 'call.args': ['arguments'] });
      calls.push(c);
    }
  }
  for (const c of calls) {
    call(ex, c);
  }
  return ex;
}

function call(ex: Extract, c: Record<string, Node>): void {
  const prop = c['call.prop'].text;
  const obj = c['call.obj'];
  const args = namedChildren(c['call.args']).filter((n) => n.type !== 'comment');
  const pkg = obj.text;
  if (prop === 'Tracer') {
    const scope = stringValue(args[0])?.value;
    const variable = assignedVariable(c.call);
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
    ex.spans.push({ name: name.value, dynamic: name.dynamic, api: 'Start', ...(scope !== undefined ? { scope } : { tracerVar: obj.text }), range: rangeOf(c.call), at: c.call.startIndex });
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
