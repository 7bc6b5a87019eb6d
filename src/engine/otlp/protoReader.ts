/**
 * A minimal protobuf wire-format reader (varint, fixed32/64, length-delimited) over one Buffer.
 * Hand-written for speed: no per-field closures, no intermediate objects; strings go through the
 * shared string cache (strings.ts). Every read is bounds-checked and malformed input throws
 * `DecodeError` with the byte offset.
 */
import { DecodeError } from '../model';
import { utf8 } from './strings';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const TWO_POW_32 = 4294967296;

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

/** Reads a field tag; tags below 8 (field number 0) are invalid. */
export function readTag(r: ProtoReader): number {
  const at = r.pos;
  const tag = r.uint32();
  if (tag < 8) {
    r.fail(`invalid tag ${tag}`, at);
  }
  return tag;
}

/** A skipped field may not straddle the end of its message. */
export function endMessage(r: ProtoReader, end: number): void {
  if (r.pos !== end) {
    r.fail('field runs past the end of its message');
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
