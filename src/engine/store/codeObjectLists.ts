/**
 * The code objects a buffered span counts for (its span code object, and its endpoint and function
 * when it has them) as one shared, frozen array per distinct combination: most spans repeat a few
 * combinations, and a per-span array would live as long as its trace is buffered — promoted by the
 * young-generation GC and traced by the old one, for every span.
 */

/** Code object numbers up to this fit the numeric keys below (2^26 × 2^26 < 2^53). */
const KEY_LIMIT = 2 ** 26;
/** Distinct combinations remembered before starting over (bounds the memory). */
const MAX_LISTS = 100_000;

export class CodeObjectLists {
  private readonly lists = new Map<number, readonly number[]>();
  private readonly triples = new Map<number, Map<number, readonly number[]>>();
  private size = 0;

  /** `[a]`, `[a, b]` or `[a, b, c]` (`b`/`c` < 0: absent), the same array for the same numbers. */
  of(a: number, b = -1, c = -1): readonly number[] {
    if (a >= KEY_LIMIT || b >= KEY_LIMIT || c >= KEY_LIMIT) {
      return listOf(a, b, c);
    }
    // b + 1 so that "absent" (-1) is key 0.
    const key = a * KEY_LIMIT + (b + 1);
    if (c < 0) {
      return this.lists.get(key) ?? this.remember(this.lists, key, listOf(a, b, c));
    }
    let byC = this.triples.get(key);
    if (byC === undefined) {
      byC = new Map();
      this.triples.set(key, byC);
    }
    return byC.get(c) ?? this.remember(byC, c, listOf(a, b, c));
  }

  private remember(map: Map<number, readonly number[]>, key: number, list: readonly number[]): readonly number[] {
    if (++this.size > MAX_LISTS) {
      this.lists.clear();
      this.triples.clear();
      this.size = 1;
    }
    map.set(key, list);
    return list;
  }
}

function listOf(a: number, b: number, c: number): readonly number[] {
  return Object.freeze(b < 0 ? [a] : c < 0 ? [a, b] : [a, b, c]);
}
