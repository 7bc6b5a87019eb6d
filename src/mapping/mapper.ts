/**
 * `createMapper({ wasmDir })`: loads the tree-sitter runtime once, each grammar and its query on first use, and maps
 * documents to functions with their span literals, routes and key patterns (see types.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Language, Parser, Query } from '@vscode/tree-sitter-wasm';
import type { LanguageSpec } from './lang/common';
import { anchoredMatches } from './lang/common';
import { assemble } from './assemble';
import { csharpSpec } from './lang/csharp';
import { goSpec } from './lang/go';
import { javaSpec } from './lang/java';
import { javascriptSpec, tsxSpec, typescriptSpec } from './lang/javascript';
import { pythonSpec } from './lang/python';
import { linkDocuments } from './link';
import { TreeCache } from './treeCache';
import { jsModuleName, pythonModuleName, toPosix } from './paths';
import type { DocumentInput, DocumentMap } from './types';

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
