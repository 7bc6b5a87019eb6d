/**
 * C#: methods, constructors and local functions (`Namespace.Class.Method`), `ActivitySource.StartActivity("x")` /
 * `StartActivity(nameof(X))` / `StartActivity()` (the caller's name) with the ActivitySource's name, ASP.NET attribute
 * routing (`[Route("api/[controller]")]` + `[HttpGet("{id}")]`) and minimal APIs (`app.MapGet`, `MapGroup`).
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import type { Anchor, Extract, ExtractContext, LanguageSpec } from './common';
import { addTracer, capturesByName, classAt, derive, emptyExtract, nameOf, namedChildren, rangeOf, scopeOf } from './common';
import { stringValue } from './strings';

const QUERY = `
(file_scoped_namespace_declaration name: (_) @ns)
(namespace_declaration name: (_) @blockns.name) @blockns
([(class_declaration name: (identifier) @cls.name) (struct_declaration name: (identifier) @cls.name) (record_declaration name: (identifier) @cls.name) (interface_declaration name: (identifier) @cls.name)] @cls)
(method_declaration name: (identifier) @fn.name) @fn
(constructor_declaration name: (identifier) @fn.name) @fn
(local_function_statement name: (identifier) @fn.name) @fn
((invocation_expression function: (member_access_expression name: (_) @call.name) arguments: (argument_list)) @call
  (#match? @call.name "^(StartActivity|MapGet|MapPost|MapPut|MapDelete|MapPatch|MapGroup)$"))
((variable_declarator name: (identifier) @var.name [(object_creation_expression) (implicit_object_creation_expression)] @var.new) @var)
`;

const VERBS: Record<string, string> = {
  HttpGet: 'GET',
  HttpPost: 'POST',
  HttpPut: 'PUT',
  HttpDelete: 'DELETE',
  HttpPatch: 'PATCH',
  HttpHead: 'HEAD',
  HttpOptions: 'OPTIONS',
};

interface Attr {
  name: string;
  node: Node;
  /** First argument's value (a template / a name). */
  first?: Node;
  /** Every unnamed argument's value (`AcceptVerbs("GET", "POST")`). */
  positional: Node[];
  /** Named arguments' values by name (`Route = "x"`, `name: "x"`). */
  named: Map<string, Node>;
}

function attributes(decl: Node): Attr[] {
  const out: Attr[] = [];
  for (const list of namedChildren(decl)) {
    if (list.type !== 'attribute_list') {
      continue;
    }
    for (const a of namedChildren(list)) {
      if (a.type !== 'attribute') {
        continue;
      }
      const name = (a.childForFieldName('name')?.text ?? '').split('.').pop()!.replace(/Attribute$/, '');
      const argList = namedChildren(a).find((n) => n.type === 'attribute_argument_list');
      const attr: Attr = { name, node: a, positional: [], named: new Map() };
      const args = argList ? namedChildren(argList).filter((n) => n.type === 'attribute_argument') : [];
      for (const arg of args) {
        // `Route = "x"` parses as an assignment, `name: "x"` as a name and a value, anything else is unnamed.
        const parts = namedChildren(arg);
        const only = parts.length === 1 ? parts[0] : undefined;
        const left = only?.type === 'assignment_expression' ? only.childForFieldName('left') : parts.length === 2 ? parts[0] : undefined;
        const value = only?.type === 'assignment_expression' ? only.childForFieldName('right') : parts.length === 2 ? parts[1] : only;
        if (left?.type === 'identifier' && value) {
          attr.named.set(left.text, value);
        } else if (only) {
          attr.positional.push(only);
        }
      }
      const first = args[0]?.namedChild(0);
      if (first) {
        attr.first = first;
      }
      out.push(attr);
    }
  }
  return out;
}

function extract(ctx: ExtractContext): Extract {
  const ex = emptyExtract();
  const calls: Record<string, Node>[] = [];
  const methods: Record<string, Node>[] = [];
  const types = new Map<number, Node>();
  for (const m of ctx.matches()) {
    const c = capturesByName(m);
    if (c.ns) {
      ex.module = c.ns.text;
    } else if (c.blockns) {
      ex.scopes.push(...scopeOf(c.blockns, c['blockns.name'], 'namespace'));
    } else if (c.cls) {
      ex.scopes.push(...scopeOf(c.cls, c['cls.name']));
      types.set(c.cls.startIndex, c.cls);
    } else if (c.fn) {
      methods.push(c);
    } else if (c.call) {
      derive(c, 'call', { 'call.obj': ['function', 'expression'], 'call.args': ['arguments'] });
      calls.push(c);
    } else if (c.var) {
      const decl = c.var.parent;
      const type = c['var.new'].childForFieldName('type')?.text ?? decl?.childForFieldName('type')?.text;
      const args = namedChildren(c['var.new']).find((n) => n.type === 'argument_list');
      const scope = stringValue(args?.namedChild(0)?.namedChild(0));
      if (type?.split('.').pop() === 'ActivitySource' && scope) {
        addTracer(ex, c['var.name'].text, scope.value, classAt(ex, c.var.startIndex), true);
      }
    }
  }
  /** Class start → the template of its `[Route]` (read once per class, not once per action). */
  const classTemplates = new Map<number, string | undefined>();
  for (const c of methods) {
    method(ctx.text, ex, c.fn, c['fn.name'], types, classTemplates);
  }
  for (const c of calls) {
    call(ex, c);
  }
  return ex;
}

function method(text: string, ex: Extract, fn: Node, nameNode: Node, types: Map<number, Node>, classTemplates: Map<number, string | undefined>): void {
  const { name, nameRange } = nameOf(nameNode);
  ex.functions.push({ node: fn, nameRange, name });
  const at = fn.startIndex;
  // A declaration's attribute lists come first: a method that starts with no `[` has none (no node per child read).
  if (text[at] !== '[') {
    return;
  }
  const scope = ex.scopes.filter((s) => s.kind === 'class' && s.start <= at && at < s.end).pop();
  const type = scope ? types.get(scope.start) : undefined;
  if (!type || fn.type !== 'method_declaration') {
    return;
  }
  const attrs = attributes(fn);
  const verbs = attrs.filter((a) => VERBS[a.name] || a.name === 'AcceptVerbs');
  const routeAttr = attrs.find((a) => a.name === 'Route');
  if (!verbs.length && !routeAttr) {
    return;
  }
  const controller = scope!.name.replace(/Controller$/, '');
  if (!classTemplates.has(type.startIndex)) {
    classTemplates.set(type.startIndex, stringValue(attributes(type).find((a) => a.name === 'Route')?.first)?.value);
  }
  const classTemplate = classTemplates.get(type.startIndex);
  const tokens = (t: string): string => t.replace(/\[controller\]/gi, controller).replace(/\[action\]/gi, name);
  const routeTemplate = stringValue(routeAttr?.first)?.value;
  const entries = verbs.length
    ? verbs.flatMap((v) =>
        v.name === 'AcceptVerbs'
          ? // `[AcceptVerbs("GET", "POST", Route = "x")]`: one route per method, its own template or the `[Route]`'s.
            v.positional
              .map((m) => stringValue(m)?.value)
              .filter((m): m is string => m !== undefined)
              .map((m) => ({ method: m.toUpperCase(), attr: v, template: stringValue(v.named.get('Route'))?.value ?? routeTemplate }))
          : [{ method: VERBS[v.name], attr: v, template: stringValue(v.first)?.value ?? routeTemplate }],
      )
    : [{ method: '*', attr: routeAttr!, template: routeTemplate }];
  for (const e of entries) {
    const template = e.template ?? '';
    const absolute = template.startsWith('/') || template.startsWith('~/');
    if (classTemplate === undefined && e.template === undefined) {
      continue;
    }
    ex.routes.push({
      framework: 'aspnet',
      method: e.method,
      path: tokens(template.replace(/^~/, '')),
      ...(absolute || classTemplate === undefined ? {} : { prefix: `/${tokens(classTemplate).replace(/^\/+/, '')}` }),
      range: rangeOf(e.attr.node),
      at: e.attr.node.startIndex,
      owner: fn.startIndex,
    });
  }
}

/** The name of the member a `StartActivity()` without a name is called from (its `[CallerMemberName]` default). */
function callerName(ex: Extract, node: Node): string | undefined {
  const at = node.startIndex;
  let best: Node | undefined;
  for (const f of ex.functions) {
    if (f.node.startIndex <= at && at < f.node.endIndex && (!best || f.node.startIndex >= best.startIndex)) {
      best = f.node;
    }
  }
  return best ? ex.functions.find((f) => f.node === best)?.name : undefined;
}

function call(ex: Extract, c: Record<string, Node>): void {
  const name = c['call.name'].text;
  const obj = c['call.obj'];
  const args = namedChildren(c['call.args'])
    .filter((n) => n.type === 'argument')
    .map((a) => a.namedChild(a.namedChildCount - 1))
    .filter((n): n is Node => !!n);
  if (name === 'StartActivity') {
    let span = stringValue(args[0]);
    if (!span && args[0]?.type === 'invocation_expression' && args[0].childForFieldName('function')?.text === 'nameof') {
      const target = args[0].childForFieldName('arguments')?.namedChild(0)?.text;
      span = target ? { value: target.split('.').pop()!, dynamic: false } : undefined;
    }
    if (!span && !args.some((a) => a.type === 'string_literal' || a.type === 'interpolated_string_expression')) {
      const caller = callerName(ex, c.call);
      span = caller ? { value: caller, dynamic: false } : undefined;
    }
    if (span) {
      ex.spans.push({ name: span.value, dynamic: span.dynamic, api: 'StartActivity', tracerVar: obj.text, range: rangeOf(c.call), at: c.call.startIndex });
    }
    return;
  }
  const path = stringValue(args[0])?.value;
  if (path === undefined) {
    return;
  }
  const groupVar = (n: Node): string | undefined => (ex.routers.some((r) => r.variable === n.text) ? n.text : undefined);
  if (name === 'MapGroup') {
    const decl = c.call.parent;
    const variable = decl?.type === 'variable_declarator' ? decl.childForFieldName('name')?.text : undefined;
    if (variable) {
      ex.routers.push({ variable, framework: 'aspnet', prefix: '', root: false });
      ex.mounts.push({ parent: obj.text, child: variable, prefix: path, replacesPrefix: false });
    }
    return;
  }
  const method = name.slice(3).toUpperCase();
  const handler = args[args.length - 1];
  if (!handler || args.length < 2) {
    return;
  }
  const router = groupVar(obj);
  const route = { framework: 'aspnet' as const, method, path, range: rangeOf(c.call), at: c.call.startIndex, ...(router ? { router } : {}) };
  if (handler.type === 'lambda_expression' || handler.type === 'anonymous_method_expression') {
    ex.functions.push({ node: handler, nameRange: rangeOf(c['call.name']), name: `${method} ${path}`, classes: [], kind: 'handler' });
    ex.routes.push({ ...route, owner: handler.startIndex });
  } else if (handler.type === 'identifier' || handler.type === 'member_access_expression') {
    ex.routes.push({ ...route, handlerName: handler.text });
  } else {
    ex.routes.push(route);
  }
}

/** Where QUERY's patterns start (see common.ts): keep in step with QUERY and its predicate. */
const ANCHORS: Anchor[] = [
  { pattern: /\bnamespace\b/g, types: ['file_scoped_namespace_declaration', 'namespace_declaration'] },
  // Types down to their members (methods and constructors have no keyword; `#if` blocks are one level deeper).
  { pattern: /\b(?:class|struct|record|interface)\b/g, types: ['class_declaration', 'struct_declaration', 'record_declaration', 'interface_declaration'], depth: 3 },
  // Local functions: `[modifiers] Type Name(` at the start of a line.
  {
    pattern: /^[ \t]*(?:(?:static|async|unsafe|extern)[ \t]+)*[\w.]+(?:<[^\n(]*>)?(?:\[[, ]*\])?\??[ \t]+(\w+)[ \t]*(?:<[^\n(]*>)?[ \t]*\(/dgm,
    types: ['local_function_statement'],
    up: 1,
  },
  {
    pattern: /\.\s*(StartActivity|MapGet|MapPost|MapPut|MapDelete|MapPatch|MapGroup)\s*(?:<[^>\n]*>\s*)?(\()/dg,
    types: ['invocation_expression'],
    up: 3,
  },
  { pattern: /\b(new)\b/dg, types: ['variable_declarator'], up: 1 },
];

export const csharpSpec: LanguageSpec = { language: 'csharp', grammar: 'tree-sitter-c-sharp.wasm', query: QUERY, anchors: ANCHORS, nestedNames: true, extract };
