/**
 * A pull reader over JSON bytes for the OTLP/JSON fast path: the decoder asks for the value it
 * expects (an object, a string, a number…) and the reader checks the syntax as it goes, so a body
 * is read once, straight into spans, with no parse tree and no copy of the whole text.
 *
 * The reader is deliberately strict and small: anything it does not expect — a syntax error, a
 * value of another type, a duplicate field, very deep nesting — throws `UNSUPPORTED`, and the caller
 * then decodes the body with the general path (`JSON.parse` and a walk), which accepts what is
 * valid and words the error for what is not. So the fast path never needs its own error messages.
 */
import { END, NO_KEYS, OTHER_KEY } from './jsonKeys';
import type { KeySet } from './jsonKeys';
import { digitsValue, escapedStringEnd, isDigit, numberEnd, numberValue } from './jsonText';
import { ID_NOT_HEX, utf8, utf8Slice } from './strings';
import type { HexTextCache } from './strings';

export { UNSUPPORTED, unsupported } from './jsonUnsupported';
import { unsupported } from './jsonUnsupported';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LOWER_F = 0x66;
/** Deepest nesting of objects the reader follows; deeper documents go to the general path. */
const MAX_DEPTH = 512;

export class JsonReader {
  pos: number;
  readonly end: number;
  /** True right after `{` or `[`, until the first `nextKey`/`nextItem` of that container. */
  private first = false;
  /** Objects open around `pos`, and per object the bit set of known fields read so far. */
  private depth = 0;
  private readonly seen = new Int32Array(MAX_DEPTH);

  /** `start`: where to read from (a value inside a document read before: lazily decoded parts). */
  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.end = buf.length;
    // A UTF-8 byte order mark is not part of the JSON text (RFC 8259 §8.1).
    this.pos = start === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : start;
  }

  /** Skips whitespace; returns the next byte (-1 at the end). */
  peek(): number {
    const buf = this.buf;
    let pos = this.pos;
    while (pos < this.end) {
      const b = buf[pos];
      if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
        this.pos = pos;
        return b;
      }
      pos++;
    }
    this.pos = pos;
    return -1;
  }

  /** Nothing but whitespace may follow the document. */
  finish(): void {
    if (this.peek() !== -1) {
      unsupported();
    }
  }

  /** Consumes `null` when it comes next. */
  null(): boolean {
    if (this.peek() !== LOWER_N) {
      return false;
    }
    this.literal('null');
    return true;
  }

  /** Consumes `true` or `false`. */
  boolean(): boolean {
    const b = this.peek();
    if (b === LOWER_T) {
      this.literal('true');
      return true;
    }
    if (b !== LOWER_F) {
      unsupported();
    }
    this.literal('false');
    return false;
  }

  private literal(word: string): void {
    const buf = this.buf;
    const pos = this.pos;
    if (pos + word.length > this.end) {
      unsupported();
    }
    for (let i = 0; i < word.length; i++) {
      if (buf[pos + i] !== word.charCodeAt(i)) {
        unsupported();
      }
    }
    this.pos = pos + word.length;
  }

  objectStart(): void {
    if (this.peek() !== LBRACE || this.depth === MAX_DEPTH - 1) {
      unsupported();
    }
    this.pos++;
    this.first = true;
    this.seen[++this.depth] = 0;
  }

  /**
   * The next field of the current object that is in `keys` and not null, as its index in `keys`
   * (its value comes next), or `END` after the object. Other fields are skipped; a null one counts
   * as absent (OTLP/JSON); a field given twice goes to the general path (`JSON.parse` keeps the last).
   */
  nextField(keys: KeySet): number {
    for (;;) {
      const id = this.nextKey(keys);
      if (id === END) {
        return END;
      }
      if (id === OTHER_KEY) {
        this.skipValue();
        continue;
      }
      const bit = 1 << id;
      if ((this.seen[this.depth] & bit) !== 0) {
        unsupported();
      }
      this.seen[this.depth] |= bit;
      if (!this.null()) {
        return id;
      }
    }
  }

  /**
   * The next property name of the current object as its index in `keys` (its value comes next):
   * `OTHER_KEY` for a name not in the set, `END` at `}`. A name with escapes is left to the general path.
   */
  private nextKey(keys: KeySet): number {
    const b = this.peek();
    if (b === RBRACE) {
      this.pos++;
      this.first = false;
      this.depth--;
      return END;
    }
    this.separator(b);
    const close = this.rawString();
    const id = keys.find(this.buf, this.pos, close);
    this.pos = close + 1;
    if (this.peek() !== COLON) {
      unsupported();
    }
    this.pos++;
    return id;
  }

  /** Before every member but the first of a container comes a comma. */
  private separator(b: number): void {
    if (this.first) {
      this.first = false;
    } else {
      if (b !== COMMA) {
        unsupported();
      }
      this.pos++;
    }
  }

  arrayStart(): void {
    if (this.peek() !== LBRACKET) {
      unsupported();
    }
    this.pos++;
    this.first = true;
  }

  /** True when the current array has another item (which comes next), false at `]`. */
  nextItem(): boolean {
    const b = this.peek();
    if (b === RBRACKET) {
      this.pos++;
      this.first = false;
      return false;
    }
    this.separator(b);
    return true;
  }

  /**
   * Opens a string: `pos` goes to its first byte; returns the offset of the first quote, backslash
   * or control character in it (throws at the end of the input).
   */
  private stringStop(): number {
    if (this.peek() !== QUOTE) {
      unsupported();
    }
    const buf = this.buf;
    const end = this.end;
    let i = ++this.pos;
    for (;;) {
      if (i >= end) {
        unsupported();
      }
      const b = buf[i];
      if (b <= BACKSLASH && (b === QUOTE || b === BACKSLASH || b < 0x20)) {
        return i;
      }
      i++;
    }
  }

  /**
   * Reads a string's raw bytes: returns the offset of its closing quote, `pos` at its first byte.
   * Throws at an escape (callers that can take escapes use `string`) or a control character.
   */
  private rawString(): number {
    const i = this.stringStop();
    if (this.buf[i] !== QUOTE) {
      unsupported();
    }
    return i;
  }

  /** A string value (short ones shared through the string cache). */
  string(): string {
    const i = this.stringStop();
    const buf = this.buf;
    const start = this.pos;
    const b = buf[i];
    if (b === QUOTE) {
      this.pos = i + 1;
      return utf8(buf, start, i);
    }
    if (b !== BACKSLASH) {
      unsupported();
    }
    // The syntax is checked here; the native parser does the unescaping.
    const close = escapedStringEnd(buf, i, this.end);
    this.pos = close + 1;
    return JSON.parse(utf8Slice(buf, start - 1, close + 1)) as string;
  }

  /**
   * A hex id string through `ids` (see `HexTextCache.lower`); '' for an empty string. Escapes in
   * an id go to the general path.
   */
  hexId(ids: HexTextCache): string {
    if (this.peek() !== QUOTE) {
      unsupported();
    }
    // The usual case, an id of the expected length, in one pass: hex digits are no quote, backslash
    // or control character, so `lower` checks the string's syntax too.
    const start = this.pos + 1;
    const close = start + ids.length;
    if (this.buf[close] === QUOTE) {
      const id = ids.lower(this.buf, start, close);
      if (id !== ID_NOT_HEX) {
        this.pos = close + 1;
        return id;
      }
    }
    return this.otherId(ids);
  }

  private otherId(ids: HexTextCache): string {
    const close = this.rawString();
    const start = this.pos;
    this.pos = close + 1;
    return close === start ? '' : ids.lower(this.buf, start, close);
  }

  /**
   * A string of 1–20 decimal digits (a uint64 in OTLP/JSON) read as a number after dropping its
   * last `drop` digits (0 ≤ drop < 20); anything else → `NaN` (so a caller can fall back).
   */
  digitString(drop: number): number {
    const close = this.rawString();
    const start = this.pos;
    this.pos = close + 1;
    const len = close - start;
    if (len < 1 || len > 20) {
      return NaN;
    }
    for (let i = start; i < close; i++) {
      if (!isDigit(this.buf[i])) {
        return NaN;
      }
    }
    return digitsValue(this.buf, start, close - drop);
  }

  /** A JSON number (exactly what `JSON.parse` gives for it). */
  number(): number {
    this.peek();
    const start = this.pos;
    const end = numberEnd(this.buf, start, this.end);
    this.pos = end;
    return numberValue(this.buf, start, end);
  }

  /** Skips one value of any kind, checking its syntax. */
  skipValue(depth = 0): void {
    const b = this.peek();
    if (b === QUOTE) {
      this.skipString();
    } else if (b === LBRACE || b === LBRACKET) {
      // Arrays count too: the recursion below must stay shallow.
      if (depth >= MAX_DEPTH) {
        unsupported();
      }
      if (b === LBRACE) {
        this.objectStart();
        while (this.nextKey(NO_KEYS) !== END) {
          this.skipValue(depth + 1);
        }
      } else {
        this.arrayStart();
        while (this.nextItem()) {
          this.skipValue(depth + 1);
        }
      }
    } else if (b === LOWER_T || b === LOWER_F) {
      this.boolean();
    } else if (!this.null()) {
      this.peek();
      this.pos = numberEnd(this.buf, this.pos, this.end);
    }
  }

  /** Skips a string value, checking it as `string` does; makes no string unless it has escapes. */
  skipString(): void {
    const i = this.stringStop();
    if (this.buf[i] === QUOTE) {
      this.pos = i + 1;
    } else {
      // An escape (or a control character, which `string` declines): check it the general way.
      this.pos--;
      this.string();
    }
  }

  /**
   * A string value as its index in `keys` (`OTHER_KEY` when it is none of `names`, the names the
   * set was made of), without making a string unless it has escapes.
   */
  stringIn(keys: KeySet, names: readonly string[]): number {
    const i = this.stringStop();
    if (this.buf[i] === QUOTE) {
      const start = this.pos;
      this.pos = i + 1;
      return keys.find(this.buf, start, i);
    }
    this.pos--;
    const id = names.indexOf(this.string());
    return id < 0 ? OTHER_KEY : id;
  }
}
