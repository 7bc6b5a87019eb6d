/**
 * String literals of every grammar the mapper reads: plain quoted strings and simple f-strings straight from the
 * source text, everything else (templates, interpolations, raw and verbatim strings) from the literal's children.
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import { namedChildren } from './common';

/** A string value: literal text, or a template with `*` per interpolation (`dynamic`). */
export interface StringValue {
  value: string;
  dynamic: boolean;
}

/**
 * Reads a string literal node of any of the grammars: its content children (`string_content`,
 * `string_fragment`, …) are literal text, interpolations become `*`, escapes are kept as written.
 */
export function stringValue(node: Node | null | undefined): StringValue | undefined {
  if (!node) {
    return undefined;
  }
  const type = node.type;
  switch (type) {
    case 'string':
    case 'template_string':
    case 'string_literal':
    case 'interpreted_string_literal':
    case 'raw_string_literal':
    case 'verbatim_string_literal':
    case 'interpolated_string_expression':
      break;
    case 'concatenated_string': {
      const parts = namedChildren(node).map(stringValue);
      if (parts.some((p) => !p)) {
        return undefined;
      }
      return { value: parts.map((p) => p!.value).join(''), dynamic: parts.some((p) => p!.dynamic) };
    }
    default:
      return undefined;
  }
  if (type === 'string') {
    const text = node.text;
    const plain = plainString(text);
    if (plain !== undefined) {
      return { value: plain, dynamic: false };
    }
    const f = simpleFString(text);
    if (f) {
      return f;
    }
  }
  if (type === 'verbatim_string_literal') {
    return { value: node.text.slice(2, -1), dynamic: false };
  }
  if (type === 'raw_string_literal' && node.namedChildCount === 0) {
    return { value: node.text.replace(/^`|`$/g, ''), dynamic: false };
  }
  let value = '';
  let dynamic = false;
  for (const c of namedChildren(node)) {
    const t = c.type;
    if (t === 'interpolation' || t === 'template_substitution') {
      value += '*';
      dynamic = true;
    } else if (t === 'string_start' || t === 'string_end' || t === 'interpolation_start' || t === 'interpolation_quote') {
      continue;
    } else {
      value += c.text;
    }
  }
  return { value, dynamic };
}

/**
 * The content of a JS/TS or Python `string` in plain quotes (`'…'`, `"…"`, no prefix, not triple-quoted, no `{`):
 * the text between the quotes, which is what the loop over its content children joins (escapes as written), read
 * without a node object per child. Anything else (f-strings, prefixes, triple quotes) is left to the children.
 */
function plainString(text: string): string | undefined {
  const q = text[0];
  if ((q !== '"' && q !== "'") || text.length < 2 || text[text.length - 1] !== q || text.includes('{')) {
    return undefined;
  }
  if (text.length >= 3 && text[1] === q && text[2] === q) {
    return undefined;
  }
  return text.slice(1, -1);
}

/**
 * A Python f-string whose interpolations are plain `{…}` (no nested braces, quotes or line breaks in them) and that has
 * no backslash and no `{{`: its content with `*` per interpolation, what the loop over its children gives, read
 * without a node per child. Anything else is left to the children.
 */
export function simpleFString(text: string): StringValue | undefined {
  const m = /^([A-Za-z]*)("""|'''|"|')/.exec(text);
  if (!m || !/[fF]/.test(m[1]) || text.includes('\\') || !text.endsWith(m[2])) {
    return undefined;
  }
  const body = text.slice(m[0].length, text.length - m[2].length);
  if (!/^(?:[^{}]|\{[^{}'"\n]*\})*$/.test(body)) {
    return undefined;
  }
  return { value: body.replace(/\{[^{}]*\}/g, '*'), dynamic: body.includes('{') };
}
