/**
 * Links document maps to each other: router prefixes through mounts and imports (FastAPI `include_router`,
 * Flask `register_blueprint`, Express `app.use`, gin groups), handlers given by reference, tracers imported from
 * another module; then computes every function's key patterns. Pure: returns new maps, inputs are not changed.
 */
import { endpointKey, functionKey, spanKey } from '../shared/keys';
import { canonicalRoute, joinRoute } from './routes';
import type { DocumentMap, FunctionInfo, ImportBinding, KeyPattern, RouteInfo, RouterDecl, SpanLiteral } from './types';
import { pushTo } from '../shared/collections';

interface Edge {
  parent: string;
  prefix: string;
  replaces: boolean;
}
interface Prefix {
  prefix: string;
  resolved: boolean;
}

/** Placeholder for the service in key patterns: the source does not know it. */
export const ANY_SERVICE = '*';

export function linkDocuments(input: readonly DocumentMap[]): DocumentMap[] {
  const ws = new Workspace(input);
  // NestJS `setGlobalPrefix` and JAX-RS `@ApplicationPath` apply to every route of their framework (when unique).
  const globalPrefix = (java: boolean): string => {
    const all = [...new Set(input.filter((d) => (d.language === 'java') === java).map((d) => d.globalPrefix).filter((p): p is string => p !== undefined))];
    return all.length === 1 ? all[0] : '';
  };
  const frameworkPrefix: Partial<Record<RouteInfo['framework'], string>> = { nestjs: globalPrefix(false), jaxrs: globalPrefix(true) };

  // Routes with every known prefix; handlers given by reference resolved to function ids.
  const routesByDoc = new Map<DocumentMap, RouteInfo[]>();
  for (const doc of input) {
    const out: RouteInfo[] = [];
    for (const r of doc.routes) {
      const prefixes: Prefix[] = r.router !== undefined ? ws.prefixes(ws.routerId(doc, r.router)) : [{ prefix: frameworkPrefix[r.framework] ?? '', resolved: true }];
      const handlerId = r.handlerId ?? (r.handlerName !== undefined ? ws.resolveHandler(doc, r.handlerName) : undefined);
      for (const p of prefixes) {
        const route = joinRoute(p.prefix, r.path);
        const copy: RouteInfo = { ...r, route, canonical: canonicalRoute(route), prefixResolved: p.resolved };
        if (handlerId !== undefined) {
          copy.handlerId = handlerId;
        }
        out.push(copy);
      }
    }
    routesByDoc.set(doc, out);
  }
  const routesByHandler = new Map<string, RouteInfo[]>();
  for (const routes of routesByDoc.values()) {
    for (const r of routes) {
      if (r.handlerId !== undefined) {
        const list = routesByHandler.get(r.handlerId) ?? [];
        list.push(r);
        routesByHandler.set(r.handlerId, list);
      }
    }
  }

  return input.map((doc) => {
    const functions = doc.functions.map((fn): FunctionInfo => {
      const spans = fn.spans.map((s) => ws.resolveSpanScope(doc, s));
      const routes = routesByHandler.get(fn.id) ?? [];
      return { ...fn, spans, routes, keys: keyPatterns(fn, spans, routes) };
    });
    return { ...doc, functions, routes: routesByDoc.get(doc) ?? [], orphanSpans: doc.orphanSpans.map((s) => ws.resolveSpanScope(doc, s)) };
  });
}

function keyPatterns(fn: FunctionInfo, spans: SpanLiteral[], routes: RouteInfo[]): KeyPattern[] {
  const keys: KeyPattern[] = [];
  for (const s of spans) {
    const k: KeyPattern = { kind: 'span', name: s.name, dynamic: s.dynamic, key: spanKey(ANY_SERVICE, s.scope ?? '*', s.name) };
    if (s.scope !== undefined) {
      k.scope = s.scope;
    }
    keys.push(k);
  }
  for (const r of routes) {
    keys.push({ kind: 'endpoint', method: r.method, route: r.route, canonical: r.canonical, key: endpointKey(ANY_SERVICE, r.method, r.route) });
  }
  // An inline route handler has no name a runtime could report as `code.function`.
  if (fn.kind !== 'handler') {
    const fk: KeyPattern = { kind: 'function', function: fn.name, key: functionKey(fn.namespace, fn.name) };
    if (fn.namespace !== undefined) {
      fk.namespace = fn.namespace;
    }
    keys.push(fk);
  }
  return keys;
}

function dirOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/') + 1);
}

/** Name resolution across the documents of a workspace. */
class Workspace {
  private readonly byModule = new Map<string, DocumentMap>();
  private readonly decls = new Map<string, RouterDecl>();
  private readonly edges = new Map<string, Edge[]>();
  private readonly memo = new Map<string, Prefix[]>();
  private readonly byName = new Map<DocumentMap, Map<string, FunctionInfo[]>>();

  constructor(private readonly docs: readonly DocumentMap[]) {
    for (const d of docs) {
      if (d.module !== undefined && (d.language === 'python' || d.language === 'javascript' || d.language === 'typescript')) {
        this.byModule.set(d.module, d);
        if (d.module.endsWith('/index')) {
          this.byModule.set(d.module.slice(0, -'/index'.length), d);
        }
      }
      for (const r of d.routers) {
        this.decls.set(`${d.path}#${r.variable}`, r);
      }
    }
    for (const d of docs) {
      for (const m of d.mounts) {
        const child = this.resolveRouter(d, m.child);
        if (!child) {
          continue;
        }
        const list = this.edges.get(child) ?? [];
        list.push({ parent: this.routerId(d, m.parent), prefix: m.prefix, replaces: m.replacesPrefix });
        this.edges.set(child, list);
      }
    }
  }

  /** Id of the router a variable of `doc` refers to (an implicit one when it was not declared anywhere known). */
  routerId(doc: DocumentMap, ref: string): string {
    return this.resolveRouter(doc, ref) ?? `${doc.path}#${ref}`;
  }

  /** Every full prefix of a router (one per chain of mounts up to an application). */
  prefixes(id: string, seen: Set<string> = new Set()): Prefix[] {
    const cached = this.memo.get(id);
    if (cached) {
      return cached;
    }
    const decl = this.decls.get(id);
    const own = decl?.prefix ?? '';
    const edges = seen.has(id) ? [] : (this.edges.get(id) ?? []);
    let out: Prefix[];
    if (edges.length === 0) {
      // A sub-router nobody mounts has an unknown prefix; an undeclared variable (an app made elsewhere) is a root.
      out = [{ prefix: own, resolved: decl ? decl.root : true }];
    } else {
      seen.add(id);
      out = [];
      for (const e of edges) {
        for (const p of this.prefixes(e.parent, seen)) {
          const mounted = joinRoute(p.prefix, e.prefix);
          out.push({ prefix: e.replaces ? mounted : joinRoute(mounted, own), resolved: p.resolved });
        }
      }
      seen.delete(id);
    }
    this.memo.set(id, out);
    return out;
  }

  private resolveRouter(doc: DocumentMap, ref: string): string | undefined {
    if (doc.routers.some((r) => r.variable === ref)) {
      return `${doc.path}#${ref}`;
    }
    const target = this.resolveImported(doc, ref);
    if (target && target.doc.routers.some((r) => r.variable === target.name)) {
      return `${target.doc.path}#${target.name}`;
    }
    return undefined;
  }

  /** A document's functions by name, in document order (built once: every route of a file looks its handler up). */
  private functionsNamed(doc: DocumentMap): Map<string, FunctionInfo[]> {
    let m = this.byName.get(doc);
    if (!m) {
      m = new Map();
      for (const f of doc.functions) {
        pushTo(m, f.name, f);
      }
      this.byName.set(doc, m);
    }
    return m;
  }

  /** `users.router` / `usersRouter` / `tracer` bound by an import of `doc` → the document and local name it names. */
  private resolveImported(doc: DocumentMap, ref: string): { doc: DocumentMap; name: string } | undefined {
    let binding: ImportBinding | undefined;
    let rest = '';
    for (const b of doc.imports) {
      if (ref === b.local) {
        binding = b;
        rest = '';
        break;
      }
      if (ref.startsWith(`${b.local}.`) && (!binding || b.local.length > binding.local.length)) {
        binding = b;
        rest = ref.slice(b.local.length + 1);
      }
    }
    if (!binding) {
      return undefined;
    }
    const sep = doc.language === 'python' ? '.' : '/';
    if (rest === '') {
      if (binding.name === undefined) {
        return undefined;
      }
      const target = this.byModule.get(binding.module);
      return target ? { doc: target, name: this.exportedLocal(target, binding.name) } : undefined;
    }
    // `module.attr`: the binding is a module (or a submodule imported by name).
    const first = rest.split('.')[0];
    const moduleName = binding.name !== undefined ? `${binding.module}${sep}${binding.name}` : binding.module;
    const target = this.byModule.get(moduleName);
    return target ? { doc: target, name: this.exportedLocal(target, first) } : undefined;
  }

  /** The local variable behind an exported name (`default` → `router`). */
  private exportedLocal(doc: DocumentMap, exported: string): string {
    for (const [local, name] of Object.entries(doc.exports)) {
      if (name === exported) {
        return local;
      }
    }
    return exported;
  }

  /** A handler given by reference (`getUser`, `handlers.getUser`, `h.getOrder`) → function id, when unique. */
  resolveHandler(doc: DocumentMap, ref: string): string | undefined {
    const tail = ref.split('.').pop() ?? ref;
    const local = (this.functionsNamed(doc).get(tail) ?? []).filter((f) => ref === tail || f.kind === 'method' || !ref.includes('.'));
    if (local.length === 1) {
      return local[0].id;
    }
    const imported = this.resolveImported(doc, ref);
    if (imported) {
      const fns = imported.doc.functions.filter((f) => f.name === imported.name || f.name === tail);
      if (fns.length === 1) {
        return fns[0].id;
      }
    }
    // Go: the other files of the package (same folder) share one namespace.
    const sameLanguage = this.docs.filter((d) => d.language === doc.language);
    if (doc.language === 'go') {
      const fns = sameLanguage.filter((d) => dirOf(d.path) === dirOf(doc.path)).flatMap((d) => d.functions.filter((f) => f.name === tail));
      if (fns.length === 1) {
        return fns[0].id;
      }
    }
    // Go, Java, C# (no import resolution): a name unique in the workspace; `Type.Method` narrows by type.
    const qualifier = ref.includes('.') ? ref.split('.').slice(-2)[0] : undefined;
    const fns = sameLanguage
      .flatMap((d) => d.functions)
      .filter((f) => f.name === tail && f.kind !== 'handler' && (qualifier === undefined || !/^[A-Z]/.test(qualifier) || f.className === qualifier));
    return fns.length === 1 ? fns[0].id : undefined;
  }

  /** Fills in the scope of a span started on a tracer imported from another module. */
  resolveSpanScope(doc: DocumentMap, s: SpanLiteral): SpanLiteral {
    if (s.scope !== undefined || s.tracerVar === undefined) {
      return s;
    }
    const target = this.resolveImported(doc, s.tracerVar);
    let scope = target?.doc.tracers.find((t) => t.variable === target.name)?.scope;
    if (scope === undefined && doc.language === 'go') {
      // A package-level tracer declared in another file of the same package.
      const decls = this.docs.filter((d) => d.language === 'go' && dirOf(d.path) === dirOf(doc.path)).flatMap((d) => d.tracers.filter((t) => t.variable === s.tracerVar));
      scope = decls.length === 1 ? decls[0].scope : undefined;
    }
    if (scope === undefined && s.tracerVar.includes('.')) {
      // `Telemetry.Source` / `Tracing.TRACER`: a static field of a class in another file (Java, C#).
      const scopes = new Set(this.docs.filter((d) => d.language === doc.language).flatMap((d) => d.tracers.filter((t) => t.variable === s.tracerVar).map((t) => t.scope)));
      scope = scopes.size === 1 ? [...scopes][0] : undefined;
    }
    return scope !== undefined ? { ...s, scope } : s;
  }
}
