/**
 * `createMapper({ wasmDir })`: loads the tree-sitter runtime once, each grammar and its query on first use, and maps
 * documents to functions with their span literals, routes and key patterns (see types.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Language, Parser, Query } from '@vscode/tree-sitter-wasm';
import type { Extract, FnDraft, LanguageSpec, RouteDraft, ScopeDraft, SpanDraft } from './lang/common';
import { anchoredMatches, classAt } from './lang/common';
import { csharpSpec } from './lang/csharp';
import { goSpec } from './lang/go';
import { javaSpec } from './lang/java';
import { javascriptSpec, tsxSpec, typescriptSpec } from './lang/javascript';
import { pythonSpec } from './lang/python';
import { linkDocuments } from './link';
import { TreeCache } from './treeCache';
import { jsModuleName, pythonModuleName, toPosix } from './paths';
import type { DocumentInput, DocumentMap, FunctionInfo, RouteInfo, SpanLiteral } from './types';

const SPECS: Record<string, LanguageSpec> = {
  python: pythonSpec,
  javascript: javascriptSpec,
  javascriptreact: javascriptSpec,
  typescript: typescriptSpec,
  typescriptreact: tsxSpec,
  go: goSpec,
  java: javaSpec,
  csharp: csharpSpec,
};

const EXTENSIONS: Record<string, string> = {
  '.py': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascriptreact',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'typescriptreact',
  '.go': 'go',
  '.java': 'java',
  '.cs': 'csharp',
};

/** The VS Code language id for a file path, or undefined when the mapper does not parse that kind of file. */
export function languageIdForPath(file: string): string | undefined {
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

/** The language ids (VS Code) the mapper parses. */
export const SUPPORTED_LANGUAGE_IDS = Object.keys(SPECS);

/** Grammar files the mapper loads (plus `tree-sitter.wasm`, the runtime); copied into dist/ by esbuild.mjs. */
export const GRAMMAR_FILES = [...new Set(Object.values(SPECS).map((s) => s.grammar))];

/**
 * Where the wasm files are: next to the running bundle (dist/, where esbuild.mjs copies them) or, unbundled
 * (tests, out/), in the installed `@vscode/tree-sitter-wasm` package.
 */
export function defaultWasmDir(): string {
  if (existsSync(path.join(__dirname, 'tree-sitter.wasm'))) {
    return __dirname;
  }
  // createRequire: resolved at run time, not by the bundler (the package is only there unbundled).
  return path.join(path.dirname(createRequire(__filename).resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
}

export interface MapperOptions {
  /** Folder holding `tree-sitter.wasm` and the `tree-sitter-<lang>.wasm` grammars (default: `defaultWasmDir()`). */
  wasmDir?: string;
}

export interface Mapper {
  /** Maps one document on its own (routers mounted from other files are resolved by `mapWorkspace`/`linkDocuments`). */
  mapDocument(input: DocumentInput): Promise<DocumentMap>;
  /** Maps one document without linking it (for `linkDocuments` over many documents). */
  parseDocument(input: DocumentInput): Promise<DocumentMap>;
  /** Loads grammars ahead of use (all supported ones by default). */
  preload(languageIds?: string[]): Promise<void>;
  /** Whether the mapper parses documents of this language id (or extension). */
  supports(languageId: string): boolean;
  /** Drops the syntax tree kept for a document mapped with `incremental` (call when the document closes). */
  forget(path: string): void;
  /** Frees parsers, queries and grammars. */
  dispose(): void;
}

interface Loaded {
  parser: Parser;
  query: Query;
  spec: LanguageSpec;
}

/** The tree-sitter runtime is a process-wide singleton: initialized by the first mapper, shared by the others. */
let runtimeInit: Promise<void> | undefined;

function initRuntime(wasmDir: string): Promise<void> {
  runtimeInit ??= Parser.init({ locateFile: (file: string) => path.join(wasmDir, file) });
  return runtimeInit;
}

/** The extractor of a language id (or extension); exported for the anchors' test. */
export function specFor(languageId: string): LanguageSpec | undefined {
  return SPECS[languageId] ?? SPECS[EXTENSIONS[languageId.toLowerCase()] ?? ''];
}

/** Creates a mapper; the tree-sitter runtime is initialized once, grammars and queries once per language. */
export async function createMapper(options: MapperOptions = {}): Promise<Mapper> {
  const wasmDir = options.wasmDir ?? defaultWasmDir();
  await initRuntime(wasmDir);
  const loaded = new Map<string, Promise<Loaded>>();
  const trees = new TreeCache();
  let disposed = false;

  function load(spec: LanguageSpec): Promise<Loaded> {
    let p = loaded.get(spec.grammar);
    if (!p) {
      p = (async () => {
        const language = await Language.load(path.join(wasmDir, spec.grammar));
        const parser = new Parser();
        parser.setLanguage(language);
        return { parser, query: new Query(language, spec.query), spec };
      })();
      loaded.set(spec.grammar, p);
    }
    return p;
  }

  async function parseDocument(input: DocumentInput): Promise<DocumentMap> {
    if (disposed) {
      throw new Error('mapper is disposed');
    }
    const spec = specFor(input.languageId);
    if (!spec) {
      throw new Error(`SpanLens mapping: unsupported language '${input.languageId}'`);
    }
    const { parser, query } = await load(spec);
    const relPath = relativePath(input);
    const tree = input.incremental ? trees.parse(parser, spec.grammar, input.path, input.text) : parser.parse(input.text);
    if (!tree) {
      throw new Error(`SpanLens mapping: the parser gave no tree for ${input.path}`);
    }
    try {
      const module = input.module ?? (spec.language === 'python' ? pythonModuleName(relPath) : jsModuleName(relPath));
      const root = tree.rootNode;
      // Anchors assume declarations parsed as such; with syntax errors (a brace not closed yet while typing) a class
      // can be an ERROR node whose members only the whole-tree query still finds.
      const matches = () => (spec.anchors && !root.hasError ? anchoredMatches(root, query, input.text, spec.anchors) : query.matches(root));
      const extract = spec.extract({ root, query, matches, text: input.text, relPath, module });
      return assemble(spec, relPath, extract, root.hasError, input.text);
    } finally {
      if (!input.incremental) {
        tree.delete();
      }
    }
  }

  return {
    parseDocument,
    async mapDocument(input) {
      return linkDocuments([await parseDocument(input)])[0];
    },
    async preload(languageIds = SUPPORTED_LANGUAGE_IDS) {
      await Promise.all(languageIds.map((id) => specFor(id)).filter((s): s is LanguageSpec => !!s).map(load));
    },
    supports(languageId) {
      return !!specFor(languageId);
    },
    forget(docPath) {
      trees.forget(docPath);
    },
    dispose() {
      disposed = true;
      trees.clear();
      for (const p of loaded.values()) {
        void p.then((l) => {
          l.query.delete();
          l.parser.delete();
        });
      }
      loaded.clear();
    },
  };
}

function relativePath(input: DocumentInput): string {
  if (input.root && path.isAbsolute(input.path)) {
    const rel = path.relative(input.root, input.path);
    if (!rel.startsWith('..')) {
      return toPosix(rel);
    }
  }
  return toPosix(input.path);
}

/** Turns the extractor's drafts into a DocumentMap: qualified names, spans and routes assigned to functions. */
function assemble(spec: LanguageSpec, relPath: string, ex: Extract, hasErrors: boolean, text: string): DocumentMap {
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
