/**
 * The last syntax tree of each recently mapped document, so re-mapping a document after an edit re-parses
 * incrementally: the edit is the span between the common prefix and suffix of the old and new text, which is
 * what one keystroke, paste or format produces.
 */
import type { Edit, Parser, Point, Tree } from '@vscode/tree-sitter-wasm';

interface Entry {
  grammar: string;
  text: string;
  tree: Tree;
}

/** Row/column (UTF-16 code units, as tree-sitter reports them for JS strings) of an index. */
function pointAt(text: string, index: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** The single edit that turns `before` into `after`. */
export function editBetween(before: string, after: string): Edit {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) {
    prefix++;
  }
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) {
    suffix++;
  }
  const start = pointAt(before, prefix);
  return {
    startIndex: prefix,
    oldEndIndex: before.length - suffix,
    newEndIndex: after.length - suffix,
    startPosition: start,
    oldEndPosition: pointAt(before, before.length - suffix),
    newEndPosition: pointAt(after, after.length - suffix),
  };
}

export class TreeCache {
  /** Insertion order is recency order (least recent first). */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 32) {}

  /** A tree of `text`, parsed incrementally from the previous tree of `key` when there is one. */
  parse(parser: Parser, grammar: string, key: string, text: string): Tree | null {
    const old = this.entries.get(key);
    this.entries.delete(key);
    let tree: Tree | null;
    if (old && old.grammar === grammar && old.text === text) {
      tree = old.tree;
    } else if (old && old.grammar === grammar) {
      old.tree.edit(editBetween(old.text, text));
      tree = parser.parse(text, old.tree);
      old.tree.delete();
    } else {
      old?.tree.delete();
      tree = parser.parse(text);
    }
    if (tree) {
      this.entries.set(key, { grammar, text, tree });
      for (const [k, e] of this.entries) {
        if (this.entries.size <= this.capacity) {
          break;
        }
        e.tree.delete();
        this.entries.delete(k);
      }
    }
    return tree;
  }

  /** Forgets a document (closed). */
  forget(key: string): void {
    this.entries.get(key)?.tree.delete();
    this.entries.delete(key);
  }

  clear(): void {
    for (const e of this.entries.values()) {
      e.tree.delete();
    }
    this.entries.clear();
  }
}
