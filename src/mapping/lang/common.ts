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
  /** Enclosing classes / receiver type, outermost first. */
  classes: string[];
  kind: 'function' | 'method' | 'handler';
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
  extract(ctx: ExtractContext): Extract;
}

export function emptyExtract(): Extract {
  return { functions: [], spans: [], routes: [], tracers: [], routers: [], mounts: [], imports: [], exports: {} };
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

/** Walks up from `node` and returns the first ancestor of one of `types`. */
export function ancestor(node: Node, types: string[], stop?: string[]): Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (types.includes(p.type)) {
      return p;
    }
    if (stop?.includes(p.type)) {
      return undefined;
    }
  }
  return undefined;
}

/** The last dotted segment of an expression text (`handlers.getUser` → `getUser`). */
export function lastSegment(text: string): string {
  const parts = text.split(/[.:]/);
  return parts[parts.length - 1];
}
