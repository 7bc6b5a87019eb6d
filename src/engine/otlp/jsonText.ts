/**
 * JSON tokens over bytes for the OTLP/JSON fast path (jsonReader.ts): string escapes and numbers,
 * checked to RFC 8259's grammar. Anything off it throws `UNSUPPORTED` (the general path words it).
 */
import { unsupported } from './jsonUnsupported';
import { latin1Slice } from './strings';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
/**
 * Integers of up to this many digits are summed digit by digit: exact (so equal to `Number()`)
 * whenever the sum stays a safe integer, as every partial sum is smaller. Longer ones, or bigger
 * sums, go through `Number()`.
 */
const SUMMED_DIGITS = 16;

export function isDigit(b: number): boolean {
  return b >= ZERO && b <= NINE;
}

function isHexDigit(b: number): boolean {
  return (b >= ZERO && b <= NINE) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
}

/** Single-character escapes after a backslash: `" \ / b f n r t`. */
const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/** Offset of the closing quote of a string with escapes; `i` is inside it (at or before its first backslash). */
export function escapedStringEnd(buf: Buffer, i: number, end: number): number {
  for (;;) {
    if (i >= end) {
      unsupported();
    }
    const b = buf[i];
    if (b === QUOTE) {
      return i;
    }
    if (b < 0x20) {
      unsupported();
    }
    if (b !== BACKSLASH) {
      i++;
    } else if (buf[i + 1] === 0x75 /* u */) {
      for (let k = i + 2; k < i + 6; k++) {
        if (!isHexDigit(buf[k])) {
          unsupported();
        }
      }
      i += 6;
    } else if (SIMPLE_ESCAPES.has(buf[i + 1])) {
      i += 2;
    } else {
      unsupported();
    }
  }
}

/** End offset of the JSON number starting at `start`. */
export function numberEnd(buf: Buffer, start: number, end: number): number {
  let i = buf[start] === MINUS ? start + 1 : start;
  if (buf[i] === ZERO) {
    i++;
  } else {
    i = digitsEnd(buf, i, end);
  }
  if (buf[i] === DOT) {
    i = digitsEnd(buf, i + 1, end);
  }
  if (buf[i] === 0x65 || buf[i] === 0x45 /* e E */) {
    i++;
    if (buf[i] === PLUS || buf[i] === MINUS) {
      i++;
    }
    i = digitsEnd(buf, i, end);
  }
  return i;
}

/** At least one digit from `i`; returns the offset after them. */
function digitsEnd(buf: Buffer, i: number, end: number): number {
  const start = i;
  while (i < end && isDigit(buf[i])) {
    i++;
  }
  if (i === start) {
    unsupported();
  }
  return i;
}

/** The value of the JSON number `buf[start, end)`, exactly as `JSON.parse` gives it. */
export function numberValue(buf: Buffer, start: number, end: number): number {
  const negative = buf[start] === MINUS;
  const digits = negative ? start + 1 : start;
  if (end - digits <= SUMMED_DIGITS) {
    let v = 0;
    let i = digits;
    while (i < end && isDigit(buf[i])) {
      v = v * 10 + (buf[i] - ZERO);
      i++;
    }
    if (i === end && v <= Number.MAX_SAFE_INTEGER) {
      return negative ? -v : v;
    }
  }
  return Number(latin1Slice(buf, start, end));
}

/** The decimal digits `buf[start, end)` as a number, rounded like `Number()` would. */
export function digitsValue(buf: Buffer, start: number, end: number): number {
  if (end - start <= SUMMED_DIGITS) {
    let v = 0;
    for (let i = start; i < end; i++) {
      v = v * 10 + (buf[i] - ZERO);
    }
    if (v <= Number.MAX_SAFE_INTEGER) {
      return v;
    }
  }
  return Number(latin1Slice(buf, start, end));
}
