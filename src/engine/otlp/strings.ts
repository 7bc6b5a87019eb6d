/**
 * Strings out of request bytes, shared by the protobuf and JSON decoders: Buffer's native slices
 * called directly, a cache that returns one shared string per distinct short string (attribute
 * keys, span names and most short values repeat from span to span), and id caches (a trace id
 * repeats for every span of its trace in a batch; a span id comes back as each child's parent id).
 */

/**
 * Buffer's native slices, called directly: `toString(encoding, …)` adds an encoding dispatch and
 * argument checks per call, which shows up when every span has a dozen strings and three ids.
 */
interface NativeSlices {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}
const proto = Buffer.prototype as unknown as Partial<NativeSlices>;
const native = typeof proto.utf8Slice === 'function' && typeof proto.hexSlice === 'function' && typeof proto.latin1Slice === 'function';

export function utf8Slice(buf: Buffer, start: number, end: number): string {
  return native ? (buf as unknown as NativeSlices).utf8Slice(start, end) : buf.toString('utf8', start, end);
}

export function hexSlice(buf: Buffer, start: number, end: number): string {
  return native ? (buf as unknown as NativeSlices).hexSlice(start, end) : buf.toString('hex', start, end);
}

/** Bytes as one character each (for text known to be ASCII). */
export function latin1Slice(buf: Buffer, start: number, end: number): string {
  return native ? (buf as unknown as NativeSlices).latin1Slice(start, end) : buf.toString('latin1', start, end);
}

/** Strings up to this many bytes go through the string cache; longer ones straight to native code. */
const SHORT_STRING = 48;
/**
 * Short strings are looked up in a small direct-mapped cache (a hash of the length and a few
 * bytes, then a byte-by-byte check), so a repeat costs no allocation and returns the same string,
 * which is also cheap as a property key and shares memory downstream.
 */
const CACHE_SIZE = 4096;
const cacheStrings: string[] = new Array<string>(CACHE_SIZE).fill('');

/** UTF-8 bytes → string, through the cache for short strings. */
export function utf8(buf: Buffer, start: number, end: number): string {
  const len = end - start;
  if (len === 0) {
    return '';
  }
  if (len > SHORT_STRING) {
    return utf8Slice(buf, start, end);
  }
  const h = Math.imul(len * 0x3b + buf[start] * 0x1f + buf[start + (len >> 1)], 0x9e3779b1) + buf[end - 1] * 0x2d;
  const slot = (h ^ (h >>> 13)) & (CACHE_SIZE - 1);
  const cached = cacheStrings[slot];
  if (cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === buf[start + i]) {
      i++;
    }
    if (i === len) {
      return cached;
    }
  }
  const s = utf8Slice(buf, start, end);
  // Only pure ASCII is cached: then one byte is one character, which the check above relies on.
  if (s.length === len) {
    cacheStrings[slot] = s;
  }
  return s;
}

/**
 * Binary ids → lower-case hex, remembering recent ones. Direct-mapped on the first bytes (ids are
 * random), verified byte by byte.
 */
export class HexIdCache {
  private readonly bytes: Uint8Array;
  private readonly strings: string[];
  private readonly mask: number;

  constructor(
    private readonly idLength: number,
    slots = 1024,
  ) {
    this.bytes = new Uint8Array(slots * idLength);
    this.strings = new Array<string>(slots).fill('');
    this.mask = slots - 1;
  }

  hex(buf: Buffer, start: number): string {
    const n = this.idLength;
    const slot = (buf[start] | (buf[start + 1] << 8) | (buf[start + n - 1] << 16)) & this.mask;
    const at = slot * n;
    const bytes = this.bytes;
    let i = 0;
    while (i < n && bytes[at + i] === buf[start + i]) {
      i++;
    }
    if (i === n && this.strings[slot] !== '') {
      return this.strings[slot];
    }
    const s = hexSlice(buf, start, start + n);
    // A byte loop, not set(subarray()): no Buffer object per new id.
    for (let k = 0; k < n; k++) {
      bytes[at + k] = buf[start + k];
    }
    this.strings[slot] = s;
    return s;
  }
}

/** `HexTextCache.lower` of text that is not hex digits of the cache's length. */
export const ID_NOT_HEX = 'not hex';
/** `HexTextCache.lower` of text that is all zeros (of the cache's length). */
export const ID_ZERO = 'zero';

/** Value of an ASCII hex digit, -1 for any other byte. */
const HEX_VALUE = new Int8Array(256).fill(-1);
/** The lower-case digit (its character code) of an ASCII hex digit, -1 for any other byte. */
const LOWER_HEX = new Int16Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  for (const digits of ['0123456789abcdef', '0123456789ABCDEF']) {
    HEX_VALUE[digits.charCodeAt(i)] = i;
    LOWER_HEX[digits.charCodeAt(i)] = '0123456789abcdef'.charCodeAt(i);
  }
}

/**
 * Ids written as hex text (OTLP/JSON) → lower-case hex, remembering recent ones: no slicing and
 * lower-casing for an id seen a moment ago. Direct-mapped on a few characters, verified.
 */
export class HexTextCache {
  private readonly strings: string[];
  private readonly mask: number;

  constructor(
    private readonly idLength: number,
    slots = 1024,
  ) {
    this.strings = new Array<string>(slots).fill('');
    this.mask = slots - 1;
  }

  /** Length of the ids (hex digits). */
  get length(): number {
    return this.idLength;
  }

  /**
   * The id in `buf[start, end)` in lower case; `ID_NOT_HEX` unless it is exactly `idLength` hex
   * digits (either case), `ID_ZERO` when they are all zeros.
   */
  lower(buf: Buffer, start: number, end: number): string {
    const n = this.idLength;
    if (end - start !== n) {
      return ID_NOT_HEX;
    }
    // Hashed on `| 0x20` (lower-cases A–F, keeps digits); verified against the lower-case digits.
    const slot = ((buf[start] | 0x20) * 31 + (buf[start + 1] | 0x20) * 7 + (buf[start + 2] | 0x20) * 3 + (buf[end - 1] | 0x20)) & this.mask;
    const cached = this.strings[slot];
    if (cached !== '') {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === LOWER_HEX[buf[start + i]]) {
        i++;
      }
      if (i === n) {
        return cached;
      }
    }
    let zero = true;
    let upper = false;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      const v = HEX_VALUE[b];
      if (v < 0) {
        return ID_NOT_HEX;
      }
      zero &&= v === 0;
      upper ||= b < 0x61 && v > 9;
    }
    if (zero) {
      return ID_ZERO;
    }
    const text = latin1Slice(buf, start, end);
    const s = upper ? text.toLowerCase() : text;
    this.strings[slot] = s;
    return s;
  }
}
