/**
 * Values on the OTLP/JSON fast path (see jsonFastDecoder.ts): attribute lists and AnyValue, enums,
 * nanosecond times — by the rules of jsonValues.ts, anything outside them → `UNSUPPORTED`.
 */
import type { AttrValue, Attributes } from '../../shared/api';
import { END, KeySet, OTHER_KEY } from './jsonKeys';
import { unsupported } from './jsonReader';
import type { JsonReader } from './jsonReader';
import { INT64_TEXT, bytesValue, doubleFromString } from './jsonValues';
import { EAGER_KEYS } from './protoValues';
import { MAX_VALUE_DEPTH, setAttribute } from './spanBuilder';

const KEY_VALUE = new KeySet(['key', 'value']);
const ANY_VALUE = new KeySet(['stringValue', 'intValue', 'boolValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue']);
const LIST = new KeySet(['values']);
const QUOTE = 0x22;

/** A KeyValue list into `target` (last one wins for a repeated key). */
export function keyValues(r: JsonReader, target: Attributes, depth: number): void {
  r.arrayStart();
  while (r.nextItem()) {
    let key = '';
    let value: AttrValue = null;
    r.objectStart();
    for (let field = r.nextField(KEY_VALUE); field !== END; field = r.nextField(KEY_VALUE)) {
      if (field === 0) {
        key = r.string();
      } else {
        value = anyValue(r, depth, true);
      }
    }
    setAttribute(target, key, value);
  }
}

const EAGER_NAMES = [...EAGER_KEYS];
const EAGER = new KeySet(EAGER_NAMES);

/**
 * Checks a KeyValue list as `keyValues` reads it, without building it; with `collect`, also decodes
 * the attributes whose keys are `EAGER_KEYS`, appended to `eager` (created when needed) as key,
 * value, key, value… in order (so the last one wins), which it returns. See lazySpan.ts.
 */
export function scanKeyValues(r: JsonReader, eager: AttrValue[] | undefined, collect: boolean, depth = 0): AttrValue[] | undefined {
  r.arrayStart();
  while (r.nextItem()) {
    let id = OTHER_KEY;
    let keyRead = false;
    let value: AttrValue = null;
    r.objectStart();
    for (let field = r.nextField(KEY_VALUE); field !== END; field = r.nextField(KEY_VALUE)) {
      if (field !== 0) {
        // Built when its key is eager, or not read yet (a value before its key: rare).
        value = anyValue(r, depth, collect && (id !== OTHER_KEY || !keyRead));
      } else if (collect) {
        id = r.stringIn(EAGER, EAGER_NAMES);
        keyRead = true;
      } else {
        r.skipString();
      }
    }
    if (id !== OTHER_KEY) {
      (eager ??= []).push(EAGER_NAMES[id], value);
    }
  }
  return eager;
}

/**
 * An AnyValue (null when not `build`: then only checked, by the same rules). With more than one
 * value field the general path decides (it picks by priority).
 */
function anyValue(r: JsonReader, depth: number, build: boolean): AttrValue {
  let value: AttrValue = null;
  let given = 0;
  r.objectStart();
  for (let field = r.nextField(ANY_VALUE); field !== END; field = r.nextField(ANY_VALUE)) {
    if (++given > 1) {
      unsupported();
    }
    switch (field) {
      case 0:
        if (build) {
          value = r.string();
        } else {
          r.skipString();
        }
        break;
      case 1:
        value = int64(r);
        break;
      case 2:
        value = r.boolean();
        break;
      case 3:
        value = r.peek() === QUOTE ? (doubleFromString(r.string()) ?? unsupported()) : r.number();
        break;
      case 4:
        value = arrayValue(r, depth, build);
        break;
      case 5:
        value = kvlistValue(r, depth, build);
        break;
      default:
        value = bytesValue(r.string());
    }
  }
  return build ? value : null;
}

function arrayValue(r: JsonReader, depth: number, build: boolean): AttrValue[] | null {
  const out: AttrValue[] | null = build ? [] : null;
  listStart(depth, r);
  while (r.nextField(LIST) !== END) {
    r.arrayStart();
    while (r.nextItem()) {
      const item = r.null() ? null : anyValue(r, depth + 1, build);
      out?.push(item);
    }
  }
  return out;
}

function kvlistValue(r: JsonReader, depth: number, build: boolean): Attributes | null {
  const out: Attributes | null = build ? {} : null;
  listStart(depth, r);
  while (r.nextField(LIST) !== END) {
    if (out) {
      keyValues(r, out, depth + 1);
    } else {
      scanKeyValues(r, undefined, false, depth + 1);
    }
  }
  return out;
}

/** Opens `{values: …}` of an array or kvlist value, one level deeper. */
function listStart(depth: number, r: JsonReader): void {
  if (depth >= MAX_VALUE_DEPTH) {
    unsupported();
  }
  r.objectStart();
}

export function optEnum(r: JsonReader, names: string[]): number {
  if (r.peek() === QUOTE) {
    const i = names.indexOf(r.string());
    return i >= 0 ? i : unsupported();
  }
  const v = r.number();
  return Number.isInteger(v) ? v : unsupported();
}

/** A uint64 nanosecond time (number or decimal string) → whole µs, as jsonValues.ts `optNanosAsMicros`. */
export function optNanosAsMicros(r: JsonReader): number {
  if (r.peek() === QUOTE) {
    const us = r.digitString(3);
    return Number.isNaN(us) ? unsupported() : us;
  }
  const v = r.number();
  return Number.isFinite(v) && v >= 0 ? Math.floor(v / 1000) : unsupported();
}

function int64(r: JsonReader): number {
  if (r.peek() === QUOTE) {
    const s = r.string();
    return INT64_TEXT.test(s) ? Number(s) : unsupported();
  }
  const v = r.number();
  return Number.isInteger(v) ? v : unsupported();
}
