/**
 * KeyValue and AnyValue messages (common.proto) → attribute values: int64 as the nearest number,
 * bytes as base64, an empty value as null; arrays and kvlists nested at most `MAX_VALUE_DEPTH` deep.
 */
import type { AttrValue, Attributes } from '../../shared/api';
import { endMessage, readTag } from './protoReader';
import type { ProtoReader } from './protoReader';
import * as sc from '../../shared/semconv';
import { MAX_VALUE_DEPTH, setAttribute } from './spanBuilder';
import { utf8 } from './strings';

/**
 * Attribute keys the ingest path reads for every span (code-object keys): `scanKeyValue` decodes
 * these when a request comes in, the others stay bytes until read (lazySpan.ts).
 */
export const EAGER_KEYS: ReadonlySet<string> = new Set([
  sc.ATTR_CODE_FUNCTION_NAME,
  sc.ATTR_CODE_FUNCTION,
  sc.ATTR_CODE_NAMESPACE,
  sc.ATTR_CODE_FILE_PATH,
  sc.ATTR_CODE_FILEPATH,
  sc.ATTR_CODE_LINE_NUMBER,
  sc.ATTR_CODE_LINENO,
  sc.ATTR_HTTP_REQUEST_METHOD,
  sc.ATTR_HTTP_METHOD,
  sc.ATTR_HTTP_ROUTE,
  sc.ATTR_HTTP_TARGET,
  sc.ATTR_URL_PATH,
  sc.ATTR_URL_FULL,
  sc.ATTR_HTTP_URL,
  sc.ATTR_RPC_SERVICE,
  sc.ATTR_RPC_METHOD,
  sc.ATTR_MESSAGING_DESTINATION_NAME,
]);
/** Length bounds and first bytes of `EAGER_KEYS`: most other keys are ruled out without a string. */
let eagerMin = Infinity;
let eagerMax = 0;
const eagerFirst = new Uint8Array(256);
for (const k of EAGER_KEYS) {
  eagerMin = Math.min(eagerMin, k.length);
  eagerMax = Math.max(eagerMax, k.length);
  eagerFirst[k.charCodeAt(0)] = 1;
}

function eagerKey(buf: Buffer, start: number, end: number): string | undefined {
  const len = end - start;
  if (len < eagerMin || len > eagerMax || eagerFirst[buf[start]] === 0) {
    return undefined;
  }
  const key = utf8(buf, start, end);
  return EAGER_KEYS.has(key) ? key : undefined;
}

/**
 * Checks one KeyValue as `decodeKeyValue` would read it; when its key is one of `EAGER_KEYS`,
 * appends key and decoded value to `eager` (created when needed), which it returns.
 */
export function scanKeyValue(r: ProtoReader, end: number, eager: AttrValue[] | undefined): AttrValue[] | undefined {
  const buf = r.buf;
  const at = r.pos;
  let keyStart = 0;
  let keyEnd = 0;
  let valueStart = -1;
  let valueEnd = -1;
  // Fast path for what every SDK writes: key (short) then value (short), nothing else.
  if (buf[at] === KEY_VALUE_KEY && buf[at + 1] < 0x80 && at + 2 + buf[at + 1] + 1 < end) {
    keyStart = at + 2;
    keyEnd = keyStart + buf[at + 1];
    if (buf[keyEnd] === KEY_VALUE_VALUE && buf[keyEnd + 1] < 0x80 && keyEnd + 2 + buf[keyEnd + 1] === end) {
      valueStart = keyEnd + 2;
      valueEnd = end;
      // A short string value (most of them) needs no more checks; anything else is walked.
      if (buf[valueStart] === ANY_STRING && buf[valueStart + 1] < 0x80 && valueStart + 2 + buf[valueStart + 1] === end) {
        r.pos = end;
      } else {
        r.pos = valueStart;
        validateAnyValue(r, end, 0);
      }
    } else {
      r.pos = at;
    }
  }
  if (valueStart < 0) {
    keyStart = keyEnd = 0;
    while (r.pos < end) {
      const tag = readTag(r);
      if (tag === KEY_VALUE_KEY) {
        keyEnd = r.lenEnd(end);
        keyStart = r.pos;
        r.pos = keyEnd;
      } else if (tag === KEY_VALUE_VALUE) {
        valueEnd = r.lenEnd(end);
        valueStart = r.pos;
        validateAnyValue(r, valueEnd, 0);
      } else {
        r.skip(tag & 7, end);
      }
    }
    endMessage(r, end);
  }
  const key = eagerKey(buf, keyStart, keyEnd);
  if (key !== undefined) {
    let value: AttrValue = null;
    if (valueStart >= 0) {
      r.pos = valueStart;
      value = decodeAnyValue(r, valueEnd, 0);
    }
    r.pos = end;
    (eager ??= []).push(key, value);
  }
  return eager;
}

/** Checks one KeyValue as `decodeKeyValue` would read it, building nothing. */
export function validateKeyValue(r: ProtoReader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === KEY_VALUE_VALUE) {
      validateAnyValue(r, r.lenEnd(end), depth);
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
}

/** Checks one AnyValue as `decodeAnyValue` would read it (structure and nesting depth). */
function validateAnyValue(r: ProtoReader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === ANY_ARRAY || tag === ANY_KVLIST) {
      const listEnd = r.lenEnd(end);
      checkDepth(r, depth + 1);
      while (r.pos < listEnd) {
        const t = readTag(r);
        if (t !== LIST_VALUES) {
          r.skip(t & 7, listEnd);
        } else if (tag === ANY_ARRAY) {
          validateAnyValue(r, r.lenEnd(listEnd), depth + 1);
        } else {
          validateKeyValue(r, r.lenEnd(listEnd), depth + 1);
        }
      }
      endMessage(r, listEnd);
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
}

// Tags are (field number << 3) | wire type, named Message_field.
const KEY_VALUE_KEY = 10;
const KEY_VALUE_VALUE = 18;
const ANY_STRING = 10;
const ANY_BOOL = 16;
const ANY_INT = 24;
const ANY_DOUBLE = 33;
const ANY_ARRAY = 42;
const ANY_KVLIST = 50;
const ANY_BYTES = 58;
const LIST_VALUES = 10;

/** Decodes one KeyValue into `target[key]` (last one wins for a repeated key). */
export function decodeKeyValue(r: ProtoReader, end: number, target: Attributes, depth: number): void {
  const buf = r.buf;
  const at = r.pos;
  // Fast path for what every SDK writes: key (short) then value (short), nothing else.
  if (buf[at] === KEY_VALUE_KEY && buf[at + 1] < 0x80) {
    const keyEnd = at + 2 + buf[at + 1];
    if (keyEnd + 1 < end && buf[keyEnd] === KEY_VALUE_VALUE && buf[keyEnd + 1] < 0x80 && keyEnd + 2 + buf[keyEnd + 1] === end) {
      const key = utf8(buf, at + 2, keyEnd);
      const valueStart = keyEnd + 2;
      let value: AttrValue;
      if (buf[valueStart] === ANY_STRING && buf[valueStart + 1] < 0x80 && valueStart + 2 + buf[valueStart + 1] === end) {
        value = utf8(buf, valueStart + 2, end);
      } else {
        r.pos = valueStart;
        value = decodeAnyValue(r, end, depth);
      }
      r.pos = end;
      setAttribute(target, key, value);
      return;
    }
  }
  let key = '';
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === KEY_VALUE_KEY) {
      key = r.string(end);
    } else if (tag === KEY_VALUE_VALUE) {
      value = decodeAnyValue(r, r.lenEnd(end), depth);
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
  setAttribute(target, key, value);
}

/** AnyValue → plain value: int64 as the nearest number, bytes as base64, empty as null. */
function decodeAnyValue(r: ProtoReader, end: number, depth: number): AttrValue {
  let value: AttrValue = null;
  while (r.pos < end) {
    const tag = readTag(r);
    switch (tag) {
      case ANY_STRING:
        value = r.string(end);
        break;
      case ANY_INT:
        value = r.int64();
        break;
      case ANY_BOOL:
        value = r.int64() !== 0;
        break;
      case ANY_DOUBLE:
        value = r.double();
        break;
      case ANY_ARRAY:
        value = decodeArray(r, r.lenEnd(end), depth + 1);
        break;
      case ANY_KVLIST:
        value = decodeKvList(r, r.lenEnd(end), depth + 1);
        break;
      case ANY_BYTES: {
        const bytesEnd = r.lenEnd(end);
        value = r.buf.toString('base64', r.pos, bytesEnd);
        r.pos = bytesEnd;
        break;
      }
      default:
        r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
  return value;
}

function decodeArray(r: ProtoReader, end: number, depth: number): AttrValue[] {
  checkDepth(r, depth);
  const values: AttrValue[] = [];
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === LIST_VALUES) {
      values.push(decodeAnyValue(r, r.lenEnd(end), depth));
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
  return values;
}

function decodeKvList(r: ProtoReader, end: number, depth: number): Attributes {
  checkDepth(r, depth);
  const values: Attributes = {};
  while (r.pos < end) {
    const tag = readTag(r);
    if (tag === LIST_VALUES) {
      decodeKeyValue(r, r.lenEnd(end), values, depth);
    } else {
      r.skip(tag & 7, end);
    }
  }
  endMessage(r, end);
  return values;
}

function checkDepth(r: ProtoReader, depth: number): void {
  if (depth > MAX_VALUE_DEPTH) {
    r.fail(`attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`);
  }
}
