/**
 * Field names for the OTLP/JSON fast path, recognised from their bytes without making strings.
 */

/** `JsonReader.nextKey` at the end of an object. */
export const END = -2;
/** `JsonReader.nextKey` for a property name not in the set asked for. */
export const OTHER_KEY = -1;

/**
 * A set of property names to recognise without making strings: a small open-addressing table on
 * the length and two characters, each hit checked byte by byte.
 */
export class KeySet {
  private readonly names: Uint8Array[];
  private readonly table = new Int8Array(64).fill(-1);

  constructor(names: readonly string[]) {
    this.names = names.map((n) => Buffer.from(n, 'latin1'));
    this.names.forEach((n, id) => {
      let slot = keySlot(n, 0, n.length);
      while (this.table[slot] >= 0) {
        slot = (slot + 1) & 63;
      }
      this.table[slot] = id;
    });
  }

  /** Index of the name in `buf[start, end)`, or `OTHER_KEY`. */
  find(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len === 0) {
      return OTHER_KEY;
    }
    for (let slot = keySlot(buf, start, end); ; slot = (slot + 1) & 63) {
      const id = this.table[slot];
      if (id < 0) {
        return OTHER_KEY;
      }
      const name = this.names[id];
      if (name.length === len) {
        let i = 0;
        while (i < len && name[i] === buf[start + i]) {
          i++;
        }
        if (i === len) {
          return id;
        }
      }
    }
  }
}

function keySlot(buf: Uint8Array, start: number, end: number): number {
  return ((end - start) * 7 + buf[start] * 3 + buf[end - 1]) & 63;
}

/** No names at all: every field is `OTHER_KEY`. */
export const NO_KEYS = new KeySet([]);
