/**
 * A minimal protobuf wire-format reader (varint, fixed32/64, length-delimited) over one Buffer.
 * Hand-written for speed: no per-field closures, no intermediate objects; strings go through an
 * ASCII fast path. Every read is bounds-checked and malformed input throws `DecodeError` with the
 * byte offset.
 */
import { DecodeError } from '../model';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const TWO_POW_32 = 4294967296;
/** Strings up to this many bytes go through the string cache; longer ones straight to native code. */
const SHORT_STRING = 48;

export class ProtoReader {
  pos: number;
  readonly buf: Buffer;
  /** End of the whole input. */
  readonly end: number;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = this.buf.length;
  }

  fail(message: string, at = this.pos): never {
    throw new DecodeError(`malformed protobuf: ${message}`, at);
  }

  /** Reads a varint of up to 64 bits and returns its low 32 bits, unsigned (tags, lengths, enums). */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= this.end) {
      this.fail('truncated varint');
    }
    let b = buf[pos++];
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let value = b & 0x7f;
    let shift = 7;
    for (;;) {
      if (pos >= this.end) {
        this.fail('truncated varint');
      }
      b = buf[pos++];
      if (shift < 32) {
        value |= (b & 0x7f) << shift;
      }
      if (b < 0x80) {
        break;
      }
      shift += 7;
      if (shift >= 70) {
        this.fail('varint longer than 10 bytes', pos - 1);
      }
    }
    this.pos = pos;
    return value >>> 0;
  }

  /** Reads a varint int64 (two's complement) as the nearest double. */
  int64(): number {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    do {
      if (pos >= this.end) {
        this.fail('truncated varint');
      }
      if (shift >= 70) {
        this.fail('varint longer than 10 bytes', pos);
      }
      b = buf[pos++];
      if (shift < 28) {
        lo |= (b & 0x7f) << shift;
      } else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else {
        hi |= (b & 0x7f) << (shift - 32);
      }
      shift += 7;
    } while (b >= 0x80);
    this.pos = pos;
    return int64ToNumber(lo >>> 0, hi >>> 0);
  }

  /** Reads a fixed64 nanosecond timestamp as whole microseconds (exact for any real date). */
  fixed64Micros(): number {
    const pos = this.pos;
    if (pos + 8 > this.end) {
      this.fail('truncated fixed64');
    }
    const buf = this.buf;
    const lo = (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16)) + buf[pos + 3] * 0x1000000;
    const hi = (buf[pos + 4] | (buf[pos + 5] << 8) | (buf[pos + 6] << 16)) + buf[pos + 7] * 0x1000000;
    this.pos = pos + 8;
    // ns / 1000 without losing precision: 2^32 = 4294967 * 1000 + 296.
    return hi * 4294967 + Math.floor((hi * 296 + lo) / 1000);
  }

  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.end) {
      this.fail('truncated double');
    }
    this.pos = pos + 8;
    return this.buf.readDoubleLE(pos);
  }

  /** Reads a length prefix and returns where the field ends; `pos` is then at its first byte. */
  lenEnd(limit: number): number {
    const len = this.uint32();
    const end = this.pos + len;
    if (end > limit) {
      this.fail(`length ${len} runs past the end of its message`, this.pos);
    }
    return end;
  }

  /** Reads a length-delimited UTF-8 string field. */
  string(limit: number): string {
    const end = this.lenEnd(limit);
    const s = utf8(this.buf, this.pos, end);
    this.pos = end;
    return s;
  }

  /** Skips one field's value by its wire type. */
  skip(wireType: number, limit: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.int64();
        return;
      case WIRE_FIXED64:
        this.advance(8, limit);
        return;
      case WIRE_LEN:
        this.pos = this.lenEnd(limit);
        return;
      case WIRE_FIXED32:
        this.advance(4, limit);
        return;
      default:
        this.fail(`unsupported wire type ${wireType}`);
    }
  }

  private advance(n: number, limit: number): void {
    if (this.pos + n > limit) {
      this.fail('truncated field');
    }
    this.pos += n;
  }
}

export function int64ToNumber(lo: number, hi: number): number {
  if (hi & 0x80000000) {
    // negative: value = -(2^64 - (hi:lo))
    let nlo = (~lo + 1) >>> 0;
    let nhi = ~hi >>> 0;
    if (nlo === 0) {
      nhi = (nhi + 1) >>> 0;
    }
    nlo = nlo >>> 0;
    return -(nhi * TWO_POW_32 + nlo);
  }
  return hi * TWO_POW_32 + lo;
}

/**
 * Buffer's native slices, called directly: `toString(encoding, …)` adds an encoding dispatch and
 * argument checks per call, which shows up when every span has a dozen strings and three ids.
 */
interface NativeSlices {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
}
const proto = Buffer.prototype as unknown as Partial<NativeSlices>;
const native = typeof proto.utf8Slice === 'function' && typeof proto.hexSlice === 'function';

function utf8Slice(buf: Buffer, start: number, end: number): string {
  return native ? (buf as unknown as NativeSlices).utf8Slice(start, end) : buf.toString('utf8', start, end);
}

export function hexSlice(buf: Buffer, start: number, end: number): string {
  return native ? (buf as unknown as NativeSlices).hexSlice(start, end) : buf.toString('hex', start, end);
}


/**
 * Attribute keys, span names and most short values repeat from span to span. Short strings are
 * looked up in a small direct-mapped cache (a hash of the length and a few bytes, then a
 * byte-by-byte check), so a repeat costs no allocation and returns the same (already
 * internalized) string, which is also cheap as a property key.
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
 * Ids → lower-case hex, remembering recent ones: a trace id repeats for every span of its trace in
 * a batch, and a span id comes back as the parent id of each child. Direct-mapped on the first
 * bytes (ids are random), verified byte by byte.
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
    bytes.set(buf.subarray(start, start + n), at);
    this.strings[slot] = s;
    return s;
  }
}
