/**
 * What a language extractor returns, and small tree helpers shared by the extractors.
 * Extractors run one compiled query and read the few nodes it captures; the mapper then assigns spans and routes
 * to functions by position and resolves tracer and router names.
 *
 * The query does not walk the whole tree (tree-sitter's query cursor visits every node: ~6 ms for a 5,000-line file
 * before the first match). Each language lists `anchors` instead: text patterns (`def`, `class`, `.start_span(`)
 * whose syntax node is found with `namedDescendantForIndex`, climbed to the node type a query pattern starts at,
 * and queried there alone. The text only proposes places; the query decides, so a string or comment that looks like
 * code matches nothing. `anchoredMatches` returns what `query.matches(root)` returns (test/unit/mapping/anchors.test.ts).
 */
import type { Node, Query, QueryMatch } from '@vscode/tree-sitter-wasm';
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
  /** The query's matches in the document (anchored when the language has anchors, else over the whole tree). */
  matches(): QueryMatch[];
  /** The document's text (what the tree was parsed from). */
  text: string;
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
  /** Where the query's patterns can start (see the module comment); without them the query walks the whole tree. */
  anchors?: readonly Anchor[];
  extract(ctx: ExtractContext): Extract;
}

/** A place where query patterns can start: found in the text, confirmed by the syntax tree. */
export interface Anchor {
  /**
   * Global regex (flags `g`, plus `d` with a group) over the source text; the group (or the whole match) is the text
   * whose smallest named node starts the climb. A second group ends a wider range, tried first: when its smallest
   * named node is of one of `types` it is taken without climbing (`get` through the `(` of `x.get(` is the call).
   */
  pattern: RegExp;
  /** Node types the query runs at: the first of them met climbing up from that node. */
  types: readonly string[];
  /** How many parents may be climbed (default 0). */
  up?: number;
  /** `maxStartDepth` under the node: 0 (default) runs only the patterns that start at it; 2 reaches class members. */
  depth?: number;
  /** Skip a place an earlier anchor's match already captured (a method found through its class). */
  skipCaptured?: boolean;
  /**
   * Where the group and the wider range are, for a pattern without the `d` flag (no index arrays per match): the
   * group's start and end and the wider range's end (or -1). Must give what `m.indices` would.
   */
  range?: (m: RegExpExecArray, text: string) => readonly [number, number, number];
  /**
   * The wider range alone decides: when its node is of none of `types`, no climb from the group follows (for
   * anchors whose wanted node always holds the whole range, as a method holds its name and its parameters' `(`).
   */
  wideOnly?: boolean;
  /**
   * Characters that, right before the group's node on its line (blanks skipped), mean no climb can reach a wanted
   * node: `(` or `,` before an arrow function make it an argument, never the value of a declaration.
   */
  notAfter?: string;
  /**
   * Node type → capture name, for types at which the query has one pattern only, `(type) @name` without predicate:
   * a node of such a type (reached with depth 0) is its own match, made here without running the query there.
   */
  bare?: Readonly<Record<string, string>>;
}

type Bare = ReadonlyMap<string, { patternIndex: number; name: string }>;
const BARE = new WeakMap<Query, WeakMap<Anchor, Bare>>();

/**
 * The patterns an anchor declares `bare`, by node type, as indexes of the query's patterns: the one pattern whose
 * only capture is the declared name (none when the query has no such single pattern: the query runs as usual).
 */
function bareOf(query: Query, a: Anchor): Bare {
  let perAnchor = BARE.get(query);
  if (!perAnchor) {
    perAnchor = new WeakMap();
    BARE.set(query, perAnchor);
  }
  let bare = perAnchor.get(a);
  if (!bare) {
    const out = new Map<string, { patternIndex: number; name: string }>();
    for (const [type, name] of Object.entries(a.bare ?? {})) {
      const ci = query.captureNames.indexOf(name);
      const only = query.captureQuantifiers
        .map((q, patternIndex) => ({ q, patternIndex }))
        .filter(({ q, patternIndex }) => q.every((n, i) => (i === ci) === !!n) && !query.predicates[patternIndex].length);
      if (ci >= 0 && only.length === 1) {
        out.set(type, { patternIndex: only[0].patternIndex, name });
      }
    }
    bare = out;
    perAnchor.set(a, bare);
  }
  return bare;
}

/** The match of a `bare` pattern at its node: what `query.matches(node, { maxStartDepth: 0 })` returns. */
function bareMatch(query: Query, node: Node, b: { patternIndex: number; name: string }): QueryMatch {
  const p = b.patternIndex;
  return {
    pattern: p,
    patternIndex: p,
    captures: [{ patternIndex: p, name: b.name, node }],
    setProperties: query.setProperties[p],
    assertedProperties: query.assertedProperties[p],
    refutedProperties: query.refutedProperties[p],
  };
}

/**
 * The matches of `query` that start at the nodes the anchors find, in document order and without duplicates: the
 * same matches as `query.matches(root)` for every pattern whose start node an anchor finds.
 */
export function anchoredMatches(root: Node, query: Query, text: string, anchors: readonly Anchor[]): QueryMatch[] {
  const queried = new Map<number, { node: Node; depth: number; matches: QueryMatch[] }>();
  /** Start indexes of every captured node, for anchors that skip what earlier anchors already matched. */
  const captured = new Set<number>();
  for (const [i, a] of anchors.entries()) {
    /** Recorded only while this anchor or a later one skips what was captured. */
    const record = anchors.slice(i).some((b) => b.skipCaptured);
    const re = a.pattern;
    const depth = a.depth ?? 0;
    const bare = depth === 0 ? bareOf(query, a) : undefined;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const r = a.range?.(m, text);
      const [s, e] = r ?? m.indices?.[1] ?? [m.index, m.index + m[0].length];
      if (a.skipCaptured && captured.has(s)) {
        continue;
      }
      // The wider range's node is an ancestor of the group's (or the group's own): when it is of a wanted type,
      // climbing from the group's node meets it first, unless a nearer one was in reach (a node of a wanted type
      // inside the range but around the group: never for the anchors given ranges). Otherwise climb as usual.
      const wideEnd = r ? r[2] : (m.indices?.[2]?.[1] ?? -1);
      let node: Node | null = wideEnd >= 0 ? root.namedDescendantForIndex(s, wideEnd) : null;
      // Read once per node: a node's type is a call into tree-sitter, not a stored field.
      let type = node ? node.type : '';
      const found = !!node && a.types.includes(type);
      if (!found && node && a.wideOnly) {
        node = null;
      } else if (!found) {
        node = root.namedDescendantForIndex(s, e);
        type = node ? node.type : '';
        if (node && a.notAfter && isAfter(text, node.startIndex, a.notAfter) && !a.types.includes(type)) {
          node = null;
        }
        for (let up = a.up ?? 0; node && !a.types.includes(type); up--) {
          node = up > 0 ? node.parent : null;
          type = node ? node.type : '';
        }
      }
      const seen = node ? queried.get(node.id) : undefined;
      if (node && (!seen || seen.depth < depth)) {
        const b = bare?.get(type);
        const matches = b ? [bareMatch(query, node, b)] : query.matches(node, { maxStartDepth: depth });
        if (record) {
          for (const qm of matches) {
            for (const c of qm.captures) {
              captured.add(c.node.startIndex);
            }
          }
        }
        queried.set(node.id, { node, depth, matches });
      }
    }
  }
  const groups = [...queried.values()].sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
  const out: QueryMatch[] = [];
  // A class queried down to its members and a member found by its own anchor give the same match twice.
  const dedupe = groups.some((g) => g.depth > 0);
  // Keyed by pattern and first captured node (a number, no string per match); the whole capture list decides.
  const seen = new Map<number, QueryMatch[]>();
  for (const g of groups) {
    for (const m of g.matches) {
      if (dedupe) {
        const key = m.patternIndex * 2 ** 32 + ((m.captures[0]?.node.id ?? 0) >>> 0);
        const same = seen.get(key);
        if (same?.some((o) => sameCaptures(o, m))) {
          continue;
        }
        if (same) {
          same.push(m);
        } else {
          seen.set(key, [m]);
        }
      }
      out.push(m);
    }
  }
  return out;
}

/** Whether the character before `index` on its line (blanks skipped) is one of `chars` (never at a line's start). */
function isAfter(text: string, index: number, chars: string): boolean {
  let i = index - 1;
  while (text[i] === ' ' || text[i] === '\t') {
    i--;
  }
  return i >= 0 && text[i] !== '\n' && chars.includes(text[i]);
}

/** Whether two matches of one pattern captured the same nodes. */
function sameCaptures(a: QueryMatch, b: QueryMatch): boolean {
  return a.captures.length === b.captures.length && a.captures.every((c, i) => c.node.id === b.captures[i].node.id);
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

/** The innermost class around a position (scopes found so far). */
export function classAt(ex: Extract, at: number): ScopeDraft | undefined {
  return ex.scopes.filter((s) => s.kind === 'class' && s.start <= at && at < s.end).pop();
}

/**
 * Records a tracer / ActivitySource variable: by its bare name (`bare`) and, for a field of class `cls`, as
 * `Class.field` (what `self.field` / `this.field` in its methods and, for a static one, other files use:
 * `Telemetry.Source.StartActivity(…)`).
 */
export function addTracer(ex: Extract, variable: string, scope: string, cls: ScopeDraft | undefined, bare: boolean): void {
  if (bare) {
    ex.tracers.push({ variable, scope });
  }
  if (cls) {
    ex.tracers.push({ variable: `${cls.name}.${variable}`, scope });
  }
}

export function scopeOf(node: Node, name: Node | null | undefined, kind: ScopeDraft['kind'] = 'class'): ScopeDraft[] {
  return name ? [{ start: node.startIndex, end: node.endIndex, name: name.text, kind }] : [];
}

/**
 * A name node's text and range: the end of a one-line name is its start plus its length (columns count UTF-16 code
 * units, as the text's indexes do), which spares tree-sitter a second call for the end position.
 */
export function nameOf(node: Node): { name: string; nameRange: SourceRange } {
  const name = node.text;
  if (name.includes('\n')) {
    return { name, nameRange: rangeOf(node) };
  }
  const s = node.startPosition;
  return { name, nameRange: { start: { line: s.row, column: s.column }, end: { line: s.row, column: s.column + name.length } } };
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

/** Named children of a node (no nulls): one call into tree-sitter for all of them, not one per child. */
export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}
