/**
 * Finds where JSON text goes wrong. `JSON.parse` does the real work; its messages carry no
 * position for many errors, so when it fails this small iterative scanner (no recursion: nesting
 * depth cannot exhaust the stack) walks the text again to name the offset, line and column.
 */

export interface JsonSyntaxError {
  /** UTF-16 offset into the text. */
  offset: number;
  line: number;
  column: number;
  reason: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
// Characters below U+0020 must be escaped inside JSON strings.
// eslint-disable-next-line no-control-regex
const STRING_BODY = /(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*/y;

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: string[] = [];
  let pos = 0;
  // expect: 'value' | 'key' | 'after' (after a value or key) — with the container on the stack.
  let expect: 'value' | 'key' | 'colon' | 'after' = 'value';
  let firstInContainer = false;
  const fail = (reason: string): JsonSyntaxError => at(text, pos, reason);
  for (;;) {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\n' || text[pos] === '\r' || text[pos] === '\t')) {
      pos++;
    }
    if (pos >= text.length) {
      return expect === 'after' && stack.length === 0 ? undefined : fail('unexpected end of input');
    }
    const c = text[pos];
    if (expect === 'after') {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        return fail(`unexpected '${c}' after the end of the document`);
      }
      if (c === ',') {
        pos++;
        expect = top === '{' ? 'key' : 'value';
        firstInContainer = false;
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        pos++;
        stack.pop();
      } else {
        return fail(`expected ',' or '${top === '{' ? '}' : ']'}', got '${c}'`);
      }
      continue;
    }
    if (expect === 'colon') {
      if (c !== ':') {
        return fail(`expected ':', got '${c}'`);
      }
      pos++;
      expect = 'value';
      continue;
    }
    if (expect === 'key') {
      if (c === '}' && firstInContainer) {
        pos++;
        stack.pop();
        expect = 'after';
        continue;
      }
      if (c !== '"') {
        return fail(`expected a property name in double quotes, got '${c}'`);
      }
      const end = scanString(text, pos);
      if (end < 0) {
        pos = -end;
        return fail('invalid string');
      }
      pos = end;
      expect = 'colon';
      continue;
    }
    // a value
    if (c === '{' || c === '[') {
      stack.push(c);
      pos++;
      expect = c === '{' ? 'key' : 'value';
      firstInContainer = true;
      continue;
    }
    if (c === ']' && firstInContainer && stack[stack.length - 1] === '[') {
      pos++;
      stack.pop();
      expect = 'after';
      continue;
    }
    if (c === '"') {
      const end = scanString(text, pos);
      if (end < 0) {
        pos = -end;
        return fail('invalid string');
      }
      pos = end;
    } else {
      const re = c === '-' || (c >= '0' && c <= '9') ? NUMBER : LITERAL;
      re.lastIndex = pos;
      if (!re.test(text)) {
        return fail(`unexpected '${c}'`);
      }
      pos = re.lastIndex;
    }
    expect = 'after';
    firstInContainer = false;
  }
}

/** End offset after a string starting at `pos` (a quote), or minus the offset where it breaks. */
function scanString(text: string, pos: number): number {
  STRING_BODY.lastIndex = pos + 1;
  STRING_BODY.test(text);
  const end = STRING_BODY.lastIndex;
  return text[end] === '"' ? end + 1 : -end;
}

function at(text: string, offset: number, reason: string): JsonSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart + 1, reason };
}
