/**
 * JavaScript / TypeScript (and JSX/TSX): functions, methods, arrow functions bound to names, inline route handlers;
 * `startActiveSpan` / `startSpan` with tracers from `trace.getTracer('name')`; Express (`app.get`, `Router()`,
 * `router.route('/x').get()`, `app.use('/prefix', router)`) and NestJS (`@Controller('x')` + `@Get(':id')`,
 * `app.setGlobalPrefix`) routes; ES module and CommonJS imports/exports for cross-file resolution.
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import { resolveJsImport } from '../paths';
import type { Anchor, Extract, ExtractContext, LanguageSpec } from './common';
import { addTracer, capturesByName, classAt, derive, emptyExtract, nameOf, namedChildren, rangeOf, scopeOf } from './common';
import { stringValue } from './strings';

const BASE_QUERY = `
(function_declaration name: (identifier) @fn.name) @fn
(generator_function_declaration name: (identifier) @fn.name) @fn
(method_definition name: (_) @fn.name) @fn
(variable_declarator name: (identifier) @fn.name value: [(arrow_function) (function_expression)] @fn)
((call_expression function: (member_expression property: (property_identifier) @call.prop) arguments: (arguments)) @call
  (#match? @call.prop "^(startActiveSpan|startSpan|get|post|put|delete|patch|all|options|head|use|setGlobalPrefix)$"))
((variable_declarator name: (identifier) value: (call_expression function: (_) @var.fn arguments: (arguments))) @var
  (#match? @var.fn "(Router|express|getTracer|require)$"))
(class_declaration name: (_) @cls.name) @cls
(class name: (_) @cls.name) @cls
(class_declaration decorator: (decorator (call_expression function: (identifier) @cdec.name arguments: (arguments) @cdec.args))) @cdec.class
(export_statement decorator: (decorator (call_expression function: (identifier) @cdec.name arguments: (arguments) @cdec.args)) declaration: (_) @cdec.class)
(import_statement) @import
(export_statement value: (identifier) @export.default)
(export_statement (export_clause (export_specifier name: (_) @export.name alias: (_) @export.alias)))
((assignment_expression left: (member_expression) @cjs.left right: (identifier) @cjs.right) (#eq? @cjs.left "module.exports"))
`;
const TS_FIELDS = `(public_field_definition name: (_) @fn.name value: [(arrow_function) (function_expression)] @fn)
((public_field_definition name: (_) value: (call_expression function: (_) @var.fn arguments: (arguments))) @var
  (#match? @var.fn "getTracer$"))
(abstract_class_declaration name: (_) @cls.name) @cls
(class_body (decorator (call_expression function: (identifier) @mdec.name arguments: (arguments) @mdec.args)) @mdec)`;
const JS_FIELDS = `(field_definition property: (_) @fn.name value: [(arrow_function) (function_expression)] @fn)`;

const VERBS = new Set(['get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head']);
const NEST_VERBS = new Set(['Get', 'Post', 'Put', 'Delete', 'Patch', 'Options', 'Head', 'All']);
function extract(ctx: ExtractContext): Extract {
  const ex = emptyExtract();
  ex.module = ctx.module;
  const classDecorators: Record<string, Node>[] = [];
  const methodDecorators: Record<string, Node>[] = [];
  const calls: Record<string, Node>[] = [];
  for (const m of ctx.matches()) {
    const c = capturesByName(m);
    if (c.fn) {
      ex.functions.push({ node: c.fn, ...nameOf(c['fn.name']) });
    } else if (c.cls) {
      ex.scopes.push(...scopeOf(c.cls, c['cls.name']));
    } else if (c.call) {
      calls.push(c);
    } else if (c.var) {
      derive(c, 'var', { 'var.name': ['name'], 'var.args': ['value', 'arguments'] });
      variable(ctx, ex, c);
    } else if (c.mdec) {
      methodDecorators.push(c);
    } else if (c['cdec.class']) {
      classDecorators.push(c);
    } else if (c.import) {
      importStatement(ctx, ex, c.import);
    } else if (c['export.default']) {
      ex.exports[c['export.default'].text] = 'default';
    } else if (c['export.name']) {
      ex.exports[c['export.name'].text] = c['export.alias'].text;
    } else if (c['cjs.right']) {
      ex.exports[c['cjs.right'].text] = 'default';
    }
  }
  for (const c of calls) {
    call(ctx.text, ex, c);
  }
  nest(ex, classDecorators, methodDecorators);
  return ex;
}

function variable(ctx: ExtractContext, ex: Extract, c: Record<string, Node>): void {
  const variable = c['var.name'].text;
  const fn = c['var.fn'].text;
  const first = c['var.args'].namedChild(0);
  if (/getTracer$/.test(fn)) {
    const scope = stringValue(first)?.value;
    if (scope !== undefined) {
      // A class field (`private tracer = trace.getTracer('x')`) is used as `this.tracer`.
      const field = c.var.type === 'public_field_definition';
      addTracer(ex, variable, scope, field ? classAt(ex, c.var.startIndex) : undefined, !field);
    }
  } else if (fn === 'express') {
    ex.routers.push({ variable, framework: 'express', prefix: '', root: true });
  } else if (/Router$/.test(fn)) {
    ex.routers.push({ variable, framework: 'express', prefix: '', root: false });
  } else if (fn === 'require') {
    const spec = stringValue(first)?.value;
    const module = spec !== undefined ? resolveJsImport(ctx.module, spec) : undefined;
    if (module !== undefined) {
      ex.imports.push({ local: variable, module, name: 'default' });
    }
  }
}

function importStatement(ctx: ExtractContext, ex: Extract, node: Node): void {
  const spec = stringValue(node.childForFieldName('source'))?.value;
  const module = spec !== undefined ? resolveJsImport(ctx.module, spec) : undefined;
  if (module === undefined) {
    return;
  }
  const clause = namedChildren(node).find((n) => n.type === 'import_clause');
  for (const part of clause ? namedChildren(clause) : []) {
    if (part.type === 'identifier') {
      ex.imports.push({ local: part.text, module, name: 'default' });
    } else if (part.type === 'namespace_import') {
      const local = namedChildren(part)[0]?.text;
      if (local) {
        ex.imports.push({ local, module });
      }
    } else if (part.type === 'named_imports') {
      for (const s of namedChildren(part)) {
        const name = s.childForFieldName('name')?.text;
        const alias = s.childForFieldName('alias')?.text;
        if (name) {
          ex.imports.push({ local: alias ?? name, module, name });
        }
      }
    }
  }
}

/** `asyncHandler(getUser)` → `getUser`; `this.users.find` → `users.find`. */
function handlerRef(node: Node): string | undefined {
  if (node.type === 'identifier' || node.type === 'member_expression') {
    return node.text.replace(/^this\./, '');
  }
  if (node.type === 'call_expression') {
    const inner = node.childForFieldName('arguments')?.namedChild(0);
    return inner ? handlerRef(inner) : undefined;
  }
  return undefined;
}

function call(text: string, ex: Extract, c: Record<string, Node>): void {
  const propNode = c['call.prop'];
  const propEnd = propNode.endIndex;
  const prop = text.slice(propNode.startIndex, propEnd);
  // `cache.get(key)`: a verb on a plain object is a route only with a string first (path) argument; the text tells
  // without a node per argument (a string, template or comment starts with a quote, backtick or `/`).
  if (VERBS.has(prop) && plainVerbCall(text, propNode.startIndex, propEnd)) {
    return;
  }
  if ((prop === 'startActiveSpan' || prop === 'startSpan' || VERBS.has(prop)) && simpleCall(text, ex, c.call, prop)) {
    return;
  }
  derive(c, 'call', { 'call.obj': ['function', 'object'], 'call.args': ['arguments'] });
  const obj = c['call.obj'];
  const argList = namedChildren(c['call.args']).filter((n) => n.type !== 'comment');
  if (prop === 'startActiveSpan' || prop === 'startSpan') {
    const name = stringValue(argList[0]);
    if (!name) {
      return;
    }
    const isInline = obj.type === 'call_expression' && /getTracer$/.test(obj.childForFieldName('function')?.text ?? '');
    const scope = isInline ? stringValue(obj.childForFieldName('arguments')?.namedChild(0))?.value : undefined;
    ex.spans.push({
      name: name.value,
      dynamic: name.dynamic,
      api: prop,
      ...(scope !== undefined ? { scope } : { tracerVar: obj.text }),
      range: rangeOf(c.call),
      at: c.call.startIndex,
    });
    return;
  }
  if (prop === 'setGlobalPrefix') {
    const prefix = stringValue(argList[0])?.value;
    if (prefix !== undefined) {
      ex.globalPrefix = prefix;
    }
    return;
  }
  if (prop === 'use') {
    const first = stringValue(argList[0]);
    const child = argList[argList.length - 1];
    if (child && (child.type === 'identifier' || child.type === 'member_expression') && (argList.length === 1 || first)) {
      ex.mounts.push({ parent: obj.text, child: child.text, prefix: argList.length > 1 ? (first?.value ?? '') : '', replacesPrefix: false });
    }
    return;
  }
  if (!VERBS.has(prop)) {
    return;
  }
  // router.route('/x').get(h).post(h2)
  let router = obj;
  let path: string | undefined;
  let handlers = argList;
  let base = obj;
  while (base.type === 'call_expression') {
    const f = base.childForFieldName('function');
    const p = f?.childForFieldName('property')?.text;
    if (f?.type !== 'member_expression' || !p) {
      break;
    }
    if (p === 'route') {
      path = stringValue(base.childForFieldName('arguments')?.namedChild(0))?.value;
      router = f.childForFieldName('object') ?? obj;
      break;
    }
    if (!VERBS.has(p)) {
      break;
    }
    base = f.childForFieldName('object') ?? base;
  }
  if (path === undefined) {
    const p = stringValue(argList[0]);
    if (!p || !/^[/*]/.test(p.value) || argList.length < 2) {
      return;
    }
    path = p.value;
    handlers = argList.slice(1);
  }
  const handler = handlers[handlers.length - 1];
  if (!handler) {
    return;
  }
  const method = prop === 'all' ? '*' : prop.toUpperCase();
  const route = { framework: 'express' as const, method, path, router: router.text, range: rangeOf(c.call), at: c.call.startIndex };
  if (handler.type === 'arrow_function' || handler.type === 'function_expression') {
    const named = handler.childForFieldName('name');
    ex.functions.push({
      node: handler,
      nameRange: rangeOf(named ?? c.call.childForFieldName('function') ?? c.call),
      name: named?.text ?? `${method === '*' ? 'ALL' : method} ${path}`,
      classes: [],
      kind: 'handler',
    });
    ex.routes.push({ ...route, owner: handler.startIndex });
  } else {
    const ref = handlerRef(handler);
    ex.routes.push(ref !== undefined ? { ...route, handlerName: ref } : route);
  }
}

/**
 * Whether the text around a verb call's property shows a call that is no route: its object is no call (the character
 * before the `.` on the same line ends an identifier or a subscript, so no `x.route('/a').get(…)` chain) and its first
 * argument starts with no quote, backtick or `/`. Anything else (comments, generics the text cannot skip, chains)
 * answers false and the call is read from its nodes.
 */
function plainVerbCall(text: string, propStart: number, propEnd: number): boolean {
  let i = propStart - 1;
  while (text[i] === ' ' || text[i] === '\t') {
    i--;
  }
  if (text[i] !== '.') {
    return false;
  }
  i--;
  if (text[i] === '?') {
    i--;
  }
  while (text[i] === ' ' || text[i] === '\t') {
    i--;
  }
  if (!/[\w$\]]/.test(text[i] ?? '')) {
    return false;
  }
  const after = /^\s*(?:<[^<>\n]*>\s*)?\(\s*(\S)/.exec(text.slice(propEnd, propEnd + 200));
  return !!after && !/['"`/]/.test(after[1]);
}

const NAME = String.raw`[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*`;
/** `tracer.startActiveSpan('x',` / `this.tracer.startSpan("x")`: a dotted tracer, a first argument in quotes. */
const SIMPLE_SPAN = new RegExp(String.raw`(${NAME})\.(?:startActiveSpan|startSpan)\(\s*('[^'\\\n]*'|"[^"\\\n]*")\s*[,)]`, 'y');
/** `router.get('/x', handler)`: a dotted router, a path in quotes and a handler by name, nothing else. */
const SIMPLE_ROUTE = new RegExp(String.raw`(${NAME})\.[a-z]+\(\s*('[^'\\\n]*'|"[^"\\\n]*")\s*,\s*(${NAME})\s*\)`, 'y');

/**
 * Spans and routes in their most common form read from the text (no node for the callee, the arguments or their
 * parts); false for any other form, which `call` reads from the nodes.
 */
function simpleCall(text: string, ex: Extract, node: Node, prop: string): boolean {
  const span = prop === 'startActiveSpan' || prop === 'startSpan';
  const re = span ? SIMPLE_SPAN : SIMPLE_ROUTE;
  re.lastIndex = node.startIndex;
  const m = re.exec(text);
  if (!m) {
    return false;
  }
  const value = m[2].slice(1, -1);
  if (span) {
    ex.spans.push({ name: value, dynamic: false, api: prop, tracerVar: m[1], range: rangeOf(node), at: node.startIndex });
    return true;
  }
  if (!/^[/*]/.test(value)) {
    return true;
  }
  const route = { framework: 'express' as const, method: prop === 'all' ? '*' : prop.toUpperCase(), path: value, router: m[1], range: rangeOf(node), at: node.startIndex };
  ex.routes.push({ ...route, handlerName: m[3].replace(/^this\./, '') });
  return true;
}

/** NestJS: `@Controller('users')` on the class, `@Get(':id')` on methods. */
function nest(ex: Extract, classDecorators: Record<string, Node>[], methodDecorators: Record<string, Node>[]): void {
  const prefixes = new Map<number, string>();
  for (const c of classDecorators) {
    if (c['cdec.name'].text !== 'Controller') {
      continue;
    }
    const arg = c['cdec.args'].namedChild(0);
    let prefix = stringValue(arg)?.value;
    if (prefix === undefined && arg?.type === 'object') {
      const pair = namedChildren(arg).find((p) => p.type === 'pair' && p.childForFieldName('key')?.text === 'path');
      prefix = stringValue(pair?.childForFieldName('value'))?.value;
    }
    prefixes.set(c['cdec.class'].startIndex, prefix ?? '');
  }
  if (prefixes.size === 0) {
    return;
  }
  // A method's decorators precede it in the class body: each belongs to the next method definition.
  const methods = ex.functions
    .filter((f) => f.node.type === 'method_definition')
    .map((f) => f.node)
    .sort((a, b) => a.startIndex - b.startIndex);
  for (const c of methodDecorators) {
    const verb = c['mdec.name'].text;
    if (!NEST_VERBS.has(verb)) {
      continue;
    }
    const at = c.mdec.startIndex;
    const method = methods.find((m) => m.startIndex > at);
    const cls = ex.scopes.filter((s) => s.start <= at && at < s.end).pop();
    const prefix = cls ? prefixes.get(cls.start) : undefined;
    if (!method || prefix === undefined) {
      continue;
    }
    const path = stringValue(c['mdec.args'].namedChild(0))?.value ?? '';
    ex.routes.push({
      framework: 'nestjs',
      method: verb === 'All' ? '*' : verb.toUpperCase(),
      path: `/${[prefix, path].map((s) => s.replace(/^\/+|\/+$/g, '')).filter((s) => s !== '').join('/')}`,
      range: rangeOf(c.mdec),
      at,
      owner: method.startIndex,
    });
  }
}

/** Where the query's patterns start (see common.ts): keep in step with BASE_QUERY, its fields and predicates. */
const ANCHORS: Anchor[] = [
  { pattern: /\bfunction\b/g, types: ['function_declaration', 'generator_function_declaration', 'variable_declarator'], up: 2 },
  { pattern: /=>/g, types: ['variable_declarator', 'public_field_definition', 'field_definition'], up: 1, notAfter: '(,' },
  // Classes down to their members: methods, fields, decorators in the body (method_definition has no keyword).
  { pattern: /\bclass\b/g, types: ['class_declaration', 'class', 'abstract_class_declaration'], depth: 2 },
  // Methods of object literals: `name(`, `async *name(`, `get name(` at the start of a line or after `{` or `,`
  // (class members were found with their class). The lookahead (a name-like start, a `(` on the line) turns most
  // lines away before the alternatives are tried.
  {
    pattern: /[\n{,](?=[ \t]*[#\w$['"*][^\n(]*\()[ \t]*(?:(?:async|get|set|static)[ \t]+)*\*?[ \t]*(?!(?:if|for|while|switch|catch|return|await|typeof|new|function|async)[ \t]*\()([#\w$]+|\[[^\]\n]*\]|'[^'\n]*'|"[^"\n]*")[ \t]*(?:<[^>\n]*>)?[ \t]*(\()/dg,
    types: ['method_definition'],
    up: 2,
    skipCaptured: true,
    wideOnly: true,
  },
  // Export statements with a default identifier, a clause or decorators. An `export` of a declaration right after
  // `;`, `{`, `}` or the start of the text has none of them (a decorator ends with `)`, a name or a backtick).
  {
    pattern: /\bexport\b(?:(?<!(?:^|[;{}])\s*export)|(?!\s+(?:async\s+function|function|class|abstract\s+class|const|let|var|interface|enum|namespace)\b))/g,
    types: ['export_statement'],
  },
  { pattern: /\bimport\b/g, types: ['import_statement'], bare: { import_statement: 'import' } },
  {
    pattern: /\.\s*(startActiveSpan|startSpan|get|post|put|delete|patch|all|options|head|use|setGlobalPrefix)\s*(?:<[^>\n]*>\s*)?(\()/dg,
    types: ['call_expression'],
    up: 2,
  },
  { pattern: /(Router|express|getTracer|require)\s*(?:<[^>\n]*>\s*)?\(/dg, types: ['variable_declarator', 'public_field_definition'], up: 3 },
  { pattern: /\b(module\s*\.\s*exports)\b/dg, types: ['assignment_expression'], up: 1 },
];

export const javascriptSpec: LanguageSpec = { language: 'javascript', grammar: 'tree-sitter-javascript.wasm', query: BASE_QUERY + JS_FIELDS, anchors: ANCHORS, nestedNames: false, extract };
export const typescriptSpec: LanguageSpec = { language: 'typescript', grammar: 'tree-sitter-typescript.wasm', query: BASE_QUERY + TS_FIELDS, anchors: ANCHORS, nestedNames: false, extract };
export const tsxSpec: LanguageSpec = { language: 'typescript', grammar: 'tree-sitter-tsx.wasm', query: BASE_QUERY + TS_FIELDS, anchors: ANCHORS, nestedNames: false, extract };
