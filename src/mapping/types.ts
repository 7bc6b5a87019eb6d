/**
 * What the mapping module knows about one source document: its functions and, per function, the span-name
 * literals, routes and code-object key patterns that let runtime data be intersected with it.
 * Positions are 0-based (line and column), like tree-sitter and VS Code.
 */

/** Languages the mapper parses (grammar families). */
export type MappedLanguage = 'python' | 'javascript' | 'typescript' | 'go' | 'java' | 'csharp';

export interface Position {
  line: number;
  column: number;
}
export interface SourceRange {
  start: Position;
  end: Position;
}

/** Input of `Mapper.mapDocument`. */
export interface DocumentInput {
  /** VS Code language id (`python`, `typescriptreact`, `csharp`, …) or a file extension such as `.py`. */
  languageId: string;
  text: string;
  /** Path of the file; workspace-relative paths give module names (Python dotted path, JS module path). */
  path: string;
  /** Workspace root; when given, `path` is made relative to it for module names. */
  root?: string;
  /** The module name when the caller knows it better than the path tells (a Python package root found on disk). */
  module?: string;
  /**
   * Keep this document's syntax tree (by `path`, up to 32 documents) and re-parse the next version incrementally:
   * for an editor re-mapping the open document on every change. `Mapper.forget(path)` drops it.
   */
  incremental?: boolean;
}

export type SpanApi =
  | 'start_as_current_span'
  | 'start_span'
  | 'startActiveSpan'
  | 'startSpan'
  | 'Start'
  | 'spanBuilder'
  | 'WithSpan'
  | 'StartActivity';

/** A span name written in the source (a literal, or a template with `*` where values are interpolated). */
export interface SpanLiteral {
  /** The span name; for templates (f-strings, `${}`) the literal parts with `*` in place of each interpolation. */
  name: string;
  /** True when the name is a template (see `name`), matched as a glob. */
  dynamic: boolean;
  api: SpanApi;
  /** Instrumentation scope (tracer / ActivitySource name) when it could be resolved. */
  scope?: string;
  /** The variable the span was started on (`tracer` in `tracer.start_span(...)`), for cross-file resolution. */
  tracerVar?: string;
  range: SourceRange;
}

export type Framework =
  | 'fastapi'
  | 'flask'
  | 'express'
  | 'nestjs'
  | 'spring'
  | 'jaxrs'
  | 'aspnet'
  | 'nethttp'
  | 'chi'
  | 'gin';

/** An HTTP route served by a handler. */
export interface RouteInfo {
  framework: Framework;
  /** Upper-case method, or `*` when any method reaches the handler. */
  method: string;
  /** The template as written at the route declaration (without router prefixes). */
  path: string;
  /** Router / app / group variable the route is declared on, when there is one. */
  router?: string;
  /** Full template with every known prefix (router prefix, mounts, class-level mapping). */
  route: string;
  /** `canonicalRoute(route)`: what compares with the `http.route` an instrumentation reports. */
  canonical: string;
  /** False when the route's router is mounted somewhere that could not be resolved (prefix may be missing). */
  prefixResolved: boolean;
  /** Name of the handler when it is given by reference (`router.get('/x', getUser)`). */
  handlerName?: string;
  /** `FunctionInfo.id` of the handler, when it was found. */
  handlerId?: string;
  range: SourceRange;
}

/** A pattern of code-object keys (see src/shared/keys.ts) with the service left open. */
export type KeyPattern =
  | { kind: 'span'; scope?: string; name: string; dynamic: boolean; key: string }
  | { kind: 'endpoint'; method: string; route: string; canonical: string; key: string }
  | { kind: 'function'; namespace?: string; function: string; key: string };

export interface FunctionInfo {
  /** Stable within a workspace map: `<path>#<qualifiedName>@<line+1>`. */
  id: string;
  name: string;
  /** Module / package / namespace + classes + name, dot-separated. */
  qualifiedName: string;
  /** `qualifiedName` without the function name (undefined for a top-level JS function). */
  namespace?: string;
  /** Enclosing class / struct / receiver type, if any. */
  className?: string;
  kind: 'function' | 'method' | 'handler';
  range: SourceRange;
  nameRange: SourceRange;
  spans: SpanLiteral[];
  routes: RouteInfo[];
  keys: KeyPattern[];
}

/** A variable holding a router / app / blueprint / group, with its own prefix. */
export interface RouterDecl {
  variable: string;
  framework: Framework;
  prefix: string;
  /** True for an application (`FastAPI()`, `Flask()`, `express()`, `gin.Default()`): nothing mounts it. */
  root: boolean;
}

/** `app.include_router(users.router, prefix='/api')`, `app.use('/api', router)`, `register_blueprint`. */
export interface RouterMount {
  /** Variable of the parent router (`app`). */
  parent: string;
  /** Reference to the child router: a local variable, or `module.attr` of an imported module. */
  child: string;
  prefix: string;
  /** Flask: `register_blueprint(bp, url_prefix=…)` replaces the blueprint's own prefix. */
  replacesPrefix: boolean;
}

/** A name bound by an import: `from app.routers import users` → `{ local: 'users', module: 'app.routers.users' }`. */
export interface ImportBinding {
  local: string;
  /** Python dotted module, or a workspace-relative JS module path without extension. */
  module: string;
  /** Imported member (`router`, `default`); undefined when the whole module is bound. */
  name?: string;
}

export interface TracerDecl {
  variable: string;
  scope: string;
}

export interface DocumentMap {
  path: string;
  language: MappedLanguage;
  /** Python dotted module, JS module path, Go package, Java package, C# namespace of the file. */
  module?: string;
  functions: FunctionInfo[];
  /** Every route of the document (also listed under its handler function when that is known). */
  routes: RouteInfo[];
  /** Span literals outside any function (module level). */
  orphanSpans: SpanLiteral[];
  tracers: TracerDecl[];
  routers: RouterDecl[];
  mounts: RouterMount[];
  imports: ImportBinding[];
  /** Local names exported under another name (`export default router` → `{ router: 'default' }`). */
  exports: Record<string, string>;
  /** Global route prefix set in this document (NestJS `app.setGlobalPrefix('api')`, JAX-RS `@ApplicationPath("api")`). */
  globalPrefix?: string;
  /** True when the parser recovered from syntax errors (results may be partial). */
  hasErrors: boolean;
}
