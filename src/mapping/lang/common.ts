/**
 * What a language extractor returns, and small tree helpers shared by the extractors.
 * Extractors run one compiled query over the tree and read the few nodes it captures; the mapper then
 * assigns spans and routes to functions by position and resolves tracer and router names.
 */
import type { Node, Query } from '@vscode/tree-sitter-wasm';
import type {
  Framework,
  ImportBinding,
  MappedLanguage,
  RouterDecl,
  RouterMount,
  SourceRange,
  SpanLiteral,
  TracerDecl,
} from '../types';

export interface FnDraft {
  /** The node whose range is the function's range (decorators included). */
  node: Node;
  /** The node that identifies the function (for ownership lookups); defaults to `node`. */
  key?: Node;
  nameRange: SourceRange;
  name: string;
  /**
   * Enclosing classes / receiver type, outermost first, when the extractor knows them (Go receivers, inline
   * handlers); otherwise the mapper derives them from `Extract.scopes` by position.
   */
  classes?: string[];
  /** Set for inline route handlers; otherwise `method` / `function` follow from the innermost scope. */
  kind?: 'handler';
}

/** A class-like (or namespace) range that qualifies the functions inside it. */
export interface ScopeDraft {
  start: number;
  end: number;
  name: string;
  kind: 'class' | 'namespace';
}

export interface SpanDraft extends SpanLiteral {
  /** Position used to find the enclosing function. */
  at: number;
  /** Explicit owner (decorator / annotation): the function's key node start index. */
  owner?: number;
}

export interface RouteDraft {
  framework: Framework;
  method: string;
  path: string;
  router?: string;
  /** Prefix known at the declaration (class-level mapping, enclosing chi `Route`). */
  prefix?: string;
  handlerName?: string;
  range: SourceRange;
  at: number;
  owner?: number;
}

export interface Extract {
  module?: string;
  functions: FnDraft[];
  /** Classes / namespaces by position (tree-sitter's `parent` is slow: containment is computed from ranges). */
  scopes: ScopeDraft[];
  spans: SpanDraft[];
  routes: RouteDraft[];
  tracers: TracerDecl[];
  routers: RouterDecl[];
  mounts: RouterMount[];
  imports: ImportBinding[];
  exports: Record<string, string>;
  globalPrefix?: string;
}

export interface ExtractContext {
  root: Node;
  query: Query;
  /** Workspace-relative path with `/` separators. */
  relPath: string;
  /** Module name derived from the path (Python dotted module, JS module path). */
  module: string;
}

export interface LanguageSpec {
  language: MappedLanguage;
  /** Grammar file name in the wasm folder. */
  grammar: string;
  query: string;
  /** Whether enclosing function names are part of a nested function's qualified name (Python, C#). */
  nestedNames: boolean;
  extract(ctx: ExtractContext): Extract;
}

export function emptyExtract(): Extract {
  return { functions: [], scopes: [], spans: [], routes: [], tracers: [], routers: [], mounts: [], imports: [], exports: {} };
}

/**
 * Adds captures a query leaves out by following fields from a captured node: hot patterns (every call of a file)
 * capture only what their predicate needs, since each capture costs a node object per match.
 */
export function derive(c: Record<string, Node>, from: string, fields: Record<string, string[]>): void {
  for (const [name, path] of Object.entries(fields)) {
    let n: Node | null | undefined = c[from];
    for (const f of path) {
      n = n?.childForFieldName(f);
    }
    if (n) {
      c[name] = n;
    }
  }
}

export function scopeOf(node: Node, name: Node | null | undefined, kind: ScopeDraft['kind'] = 'class'): ScopeDraft[] {
  return name ? [{ start: node.startIndex, end: node.endIndex, name: name.text, kind }] : [];
}

export function rangeOf(node: Node): SourceRange {
  const s = node.startPosition;
  const e = node.endPosition;
  return { start: { line: s.row, column: s.column }, end: { line: e.row, column: e.column } };
}

/** The captures of one query match, by capture name. */
export function capturesByName(match: { captures: { name: string; node: Node }[] }): Record<string, Node> {
  const out: Record<string, Node> = {};
  for (const c of match.captures) {
    out[c.name] = c.node;
  }
  return out;
}

/** Named children of a node (no nulls). */
export function namedChildren(node: Node): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < node.namedChildCount; i++) {
    const c = node.namedChild(i);
    if (c) {
      out.push(c);
    }
  }
  return out;
}

/** A string value: literal text, or a template with `*` per interpolation (`dynamic`). */
export interface StringValue {
  value: string;
  dynamic: boolean;
}

/**
 * Reads a string literal node of any of the grammars: its content children (`string_content`,
 * `string_fragment`, …) are literal text, interpolations become `*`, escapes are kept as written.
 */
export function stringValue(node: Node | null | undefined): StringValue | undefined {
  if (!node) {
    return undefined;
  }
  switch (node.type) {
    case 'string':
    case 'template_string':
    case 'string_literal':
    case 'interpreted_string_literal':
    case 'raw_string_literal':
    case 'verbatim_string_literal':
    case 'interpolated_string_expression':
      break;
    case 'concatenated_string': {
      const parts = namedChildren(node).map(stringValue);
      if (parts.some((p) => !p)) {
        return undefined;
      }
      return { value: parts.map((p) => p!.value).join(''), dynamic: parts.some((p) => p!.dynamic) };
    }
    default:
      return undefined;
  }
  if (node.type === 'verbatim_string_literal') {
    return { value: node.text.slice(2, -1), dynamic: false };
  }
  if (node.type === 'raw_string_literal' && node.namedChildCount === 0) {
    return { value: node.text.replace(/^`|`$/g, ''), dynamic: false };
  }
  let value = '';
  let dynamic = false;
  for (const c of namedChildren(node)) {
    const t = c.type;
    if (t === 'interpolation' || t === 'template_substitution') {
      value += '*';
      dynamic = true;
    } else if (t === 'string_start' || t === 'string_end' || t === 'interpolation_start' || t === 'interpolation_quote') {
      continue;
    } else {
      value += c.text;
    }
  }
  return { value, dynamic };
}
