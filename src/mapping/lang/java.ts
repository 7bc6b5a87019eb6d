/**
 * Java: methods and constructors (`package.Class.method`, nested classes with `.`), `tracer.spanBuilder("x")` with
 * `getTracer("scope")`, `@WithSpan` (its value, or the agent's default `Class.method`), Spring routes
 * (`@RequestMapping` on the class + `@GetMapping`/`@PostMapping`/…/`@RequestMapping(method=…)` on methods) and JAX-RS
 * routes (`@Path` on the class and/or method + `@GET`/`@POST`/…, under the workspace's `@ApplicationPath`).
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import type { Anchor, Extract, ExtractContext, LanguageSpec } from './common';
import { addTracer, capturesByName, classAt, derive, emptyExtract, nameOf, namedChildren, rangeOf, scopeOf } from './common';
import { stringValue } from './strings';

const QUERY = `
(package_declaration (_) @pkg)
([(class_declaration name: (identifier) @cls.name) (interface_declaration name: (identifier) @cls.name) (enum_declaration name: (identifier) @cls.name) (record_declaration name: (identifier) @cls.name)] @cls)
(method_declaration name: (identifier) @fn.name) @fn
(constructor_declaration name: (identifier) @fn.name) @fn
((method_invocation name: (identifier) @call.name arguments: (argument_list)) @call
  (#match? @call.name "^(spanBuilder|getTracer)$"))
`;

const MAPPINGS: Record<string, string> = {
  GetMapping: 'GET',
  PostMapping: 'POST',
  PutMapping: 'PUT',
  DeleteMapping: 'DELETE',
  PatchMapping: 'PATCH',
  RequestMapping: '*',
};

/** JAX-RS method designators (javax.ws.rs / jakarta.ws.rs); a `@Path` method without one is a sub-resource locator. */
const JAXRS_VERBS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

interface ClassRoutes {
  /** Spring: the class's `@RequestMapping` path ('' without one). */
  spring: string;
  /** JAX-RS: the class's `@Path`, when it is a root resource. */
  jaxrs?: string;
}

interface Annotation {
  name: string;
  node: Node;
  /** Positional value (`@X("a")`) or `value=`. */
  values: Map<string, Node>;
}

function annotations(decl: Node): Annotation[] {
  const mods = namedChildren(decl).find((n) => n.type === 'modifiers');
  const out: Annotation[] = [];
  for (const a of mods ? namedChildren(mods) : []) {
    if (a.type !== 'annotation' && a.type !== 'marker_annotation') {
      continue;
    }
    const name = (a.childForFieldName('name')?.text ?? '').split('.').pop() ?? '';
    const values = new Map<string, Node>();
    const list = a.childForFieldName('arguments');
    for (const arg of list ? namedChildren(list) : []) {
      if (arg.type === 'element_value_pair') {
        const key = arg.childForFieldName('key')?.text;
        const value = arg.childForFieldName('value');
        if (key && value) {
          values.set(key, value);
        }
      } else if (arg.type !== 'comment') {
        values.set('value', arg);
      }
    }
    out.push({ name, node: a, values });
  }
  return out;
}

/** String values of an annotation element: `"a"` or `{"a", "b"}`. */
function strings(node: Node | undefined): string[] {
  if (!node) {
    return [];
  }
  if (node.type === 'element_value_array_initializer') {
    return namedChildren(node).flatMap(strings);
  }
  const s = stringValue(node);
  return s ? [s.value] : [];
}

/** `RequestMethod.GET` / `{RequestMethod.GET, RequestMethod.POST}` → `['GET', 'POST']`. */
function requestMethods(node: Node | undefined): string[] {
  if (!node) {
    return [];
  }
  if (node.type === 'element_value_array_initializer') {
    return namedChildren(node).flatMap(requestMethods);
  }
  return [node.text.split('.').pop() ?? node.text];
}

function mappingPaths(a: Annotation): string[] {
  const paths = [...strings(a.values.get('value')), ...strings(a.values.get('path'))];
  return paths.length ? paths : [''];
}

function extract(ctx: ExtractContext): Extract {
  const ex = emptyExtract();
  const methods: Record<string, Node>[] = [];
  /** Class start → its route prefixes. */
  const classPrefix = new Map<number, ClassRoutes>();
  for (const m of ctx.matches()) {
    const c = capturesByName(m);
    if (c.pkg) {
      ex.module = c.pkg.text;
    } else if (c.cls) {
      ex.scopes.push(...scopeOf(c.cls, c['cls.name']));
      const anns = annotations(c.cls);
      const mapping = anns.find((x) => x.name === 'RequestMapping');
      const jaxrs = anns.find((x) => x.name === 'Path');
      const jaxrsPath = jaxrs ? stringValue(jaxrs.values.get('value'))?.value : undefined;
      classPrefix.set(c.cls.startIndex, { spring: mapping ? mappingPaths(mapping)[0] : '', ...(jaxrsPath !== undefined ? { jaxrs: jaxrsPath } : {}) });
      const app = anns.find((x) => x.name === 'ApplicationPath');
      const appPath = app ? stringValue(app.values.get('value'))?.value : undefined;
      if (appPath !== undefined) {
        ex.globalPrefix = appPath;
      }
    } else if (c.fn) {
      methods.push(c);
    } else if (c.call) {
      derive(c, 'call', { 'call.args': ['arguments'] });
      invocation(ex, c);
    }
  }
  for (const c of methods) {
    method(ex, c.fn, c['fn.name'], classPrefix);
  }
  return ex;
}

function method(ex: Extract, fn: Node, nameNode: Node, classPrefix: Map<number, ClassRoutes>): void {
  const at = fn.startIndex;
  const cls = ex.scopes.filter((s) => s.start <= at && at < s.end).pop();
  const { name, nameRange } = nameOf(nameNode);
  ex.functions.push({ node: fn, nameRange, name });
  const anns = annotations(fn);
  jaxrsRoutes(ex, fn, anns, cls ? classPrefix.get(cls.start)?.jaxrs : undefined);
  for (const a of anns) {
    if (a.name === 'WithSpan') {
      const given = stringValue(a.values.get('value'))?.value;
      const spanName = given && given !== '' ? given : `${cls?.name ?? ''}.${name}`;
      ex.spans.push({ name: spanName, dynamic: false, api: 'WithSpan', range: rangeOf(a.node), at: a.node.startIndex, owner: fn.startIndex });
      continue;
    }
    const verb = MAPPINGS[a.name];
    if (!verb) {
      continue;
    }
    const prefix = cls ? (classPrefix.get(cls.start)?.spring ?? '') : '';
    const methods = verb === '*' ? requestMethods(a.values.get('method')) : [verb];
    for (const path of mappingPaths(a)) {
      for (const m of methods.length ? methods : ['*']) {
        ex.routes.push({ framework: 'spring', method: m, path, prefix, range: rangeOf(a.node), at: a.node.startIndex, owner: fn.startIndex });
      }
    }
  }
}

/** JAX-RS: `@GET` (…) with the method's `@Path` under the class's `@Path`; either path may be missing, not both. */
function jaxrsRoutes(ex: Extract, fn: Node, anns: Annotation[], classPath: string | undefined): void {
  const verbs = anns.filter((a) => JAXRS_VERBS.has(a.name));
  const own = anns.find((a) => a.name === 'Path');
  const path = own ? stringValue(own.values.get('value'))?.value : undefined;
  if (verbs.length === 0 || (path === undefined && classPath === undefined)) {
    return;
  }
  const joined = [classPath ?? '', path ?? ''].map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '').join('/');
  for (const v of verbs) {
    ex.routes.push({ framework: 'jaxrs', method: v.name, path: `/${joined}`, range: rangeOf(v.node), at: v.node.startIndex, owner: fn.startIndex });
  }
}

function invocation(ex: Extract, c: Record<string, Node>): void {
  const name = c['call.name'].text;
  const first = namedChildren(c['call.args'])[0];
  const obj = c.call.childForFieldName('object');
  if (name === 'getTracer') {
    const scope = stringValue(first)?.value;
    const decl = c.call.parent;
    const variable =
      decl?.type === 'variable_declarator'
        ? decl.childForFieldName('name')?.text
        : decl?.type === 'assignment_expression'
          ? decl.childForFieldName('left')?.text.replace(/^this\./, '')
          : undefined;
    if (scope !== undefined && variable) {
      addTracer(ex, variable, scope, classAt(ex, c.call.startIndex), true);
    }
    return;
  }
  const span = stringValue(first);
  if (!span || !obj) {
    return;
  }
  const inline = obj.type === 'method_invocation' && obj.childForFieldName('name')?.text === 'getTracer';
  const scope = inline ? stringValue(namedChildren(obj.childForFieldName('arguments') ?? obj)[0])?.value : undefined;
  ex.spans.push({
    name: span.value,
    dynamic: span.dynamic,
    api: 'spanBuilder',
    ...(scope !== undefined ? { scope } : { tracerVar: obj.text.replace(/^this\./, '') }),
    range: rangeOf(c.call),
    at: c.call.startIndex,
  });
}

/** Where QUERY's patterns start (see common.ts): keep in step with QUERY and its predicate. */
const ANCHORS: Anchor[] = [
  { pattern: /\bpackage\b/g, types: ['package_declaration'] },
  // Types down to their members (methods and constructors have no keyword; enum bodies are one level deeper).
  { pattern: /\b(?:class|interface|enum|record)\b/g, types: ['class_declaration', 'interface_declaration', 'enum_declaration', 'record_declaration'], depth: 3 },
  // Anonymous classes: `new Runnable() {`.
  { pattern: /\bnew\s+[\w.]+\s*(?:<[^>\n]*>)?\s*\([^)\n]*\)\s*(\{)/dg, types: ['class_body'], depth: 1 },
  { pattern: /\b(spanBuilder|getTracer)\s*(\()/dg, types: ['method_invocation'], up: 1 },
];

export const javaSpec: LanguageSpec = { language: 'java', grammar: 'tree-sitter-java.wasm', query: QUERY, anchors: ANCHORS, nestedNames: false, extract };
