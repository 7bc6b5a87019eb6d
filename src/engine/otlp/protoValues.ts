/**
 * KeyValue and AnyValue messages (common.proto) → attribute values: int64 as the nearest number,
 * bytes as base64, an empty value as null; arrays and kvlists nested at most `MAX_VALUE_DEPTH` deep.
 */
import type { AttrValue, Attributes } from '../../shared/api';
import { endMessage, readTag } from './protoReader';
import type { ProtoReader } from './protoReader';
import { MAX_VALUE_DEPTH, setAttribute } from './spanBuilder';
import { utf8 } from './strings';

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
