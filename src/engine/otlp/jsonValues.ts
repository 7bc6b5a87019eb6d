/**
 * OTLP/JSON field values on parsed JSON (the general path): typed accessors that throw `ShapeError`
 * for a value of the wrong shape, and the value rules both JSON paths share — enum names, int64 as a
 * number or decimal string, doubles as numbers or strings ('NaN', 'Infinity'…), base64 bytes.
 */

export type Json = Record<string, unknown>;

/**
 * Thrown deep inside the walk; every level on the way out prepends its path segment, so building
 * a path costs nothing unless something is wrong.
 */
export class ShapeError extends Error {
  readonly path: string[] = [];
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Prefixes the path of a ShapeError passing through a level with that level's `segment`. */
export function at(e: unknown, segment: string): unknown {
  if (e instanceof ShapeError) {
    e.path.unshift(segment);
  }
  return e;
}

export const SPAN_KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
export const STATUS_CODE_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
/** An int64 written as a decimal string. */
export const INT64_TEXT = /^-?\d{1,20}$/;
/** A uint64 written as a decimal string. */
const UINT64_TEXT = /^\d{1,20}$/;

/** A double written as a string ('NaN', 'Infinity', '1.5'…), or undefined when it is none. */
export function doubleFromString(v: string): number | undefined {
  if (v === 'NaN') {
    return NaN;
  }
  if (v.trim() !== '' && !Number.isNaN(Number(v))) {
    return Number(v);
  }
  return undefined;
}

/** `bytesValue` (base64, either alphabet) → canonical base64. */
export function bytesValue(v: string): string {
  return Buffer.from(v, 'base64').toString('base64');
}

export function shape(field: string, reason: string): ShapeError {
  const e = new ShapeError(reason);
  e.path.push(field);
  return e;
}

export function asObject(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShapeError(`expected an object, got ${describe(value)}`);
  }
  return value as Json;
}

export function asObjectAt(value: unknown, field: string): Json {
  try {
    return asObject(value);
  } catch (e) {
    throw at(e, field);
  }
}

export function optObject(o: Json, field: string): Json | undefined {
  const v = o[field];
  return v === undefined || v === null ? undefined : asObjectAt(v, field);
}

const EMPTY: unknown[] = [];
export function optArray(o: Json, field: string): unknown[] {
  const v = o[field];
  if (v === undefined || v === null) {
    return EMPTY;
  }
  if (!Array.isArray(v)) {
    throw shape(field, `expected an array, got ${describe(v)}`);
  }
  return v;
}

export function optString(o: Json, field: string): string {
  const v = o[field];
  if (v === undefined || v === null) {
    return '';
  }
  if (typeof v !== 'string') {
    throw shape(field, `expected a string, got ${describe(v)}`);
  }
  return v;
}

export function optEnum(o: Json, field: string, names: string[]): number {
  const v = o[field];
  if (v === undefined || v === null) {
    return 0;
  }
  if (typeof v === 'number' && Number.isInteger(v)) {
    return v;
  }
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i >= 0) {
      return i;
    }
  }
  throw shape(field, `expected an enum number, got ${describe(v)}`);
}

/** A uint64 nanosecond time, as a number or a decimal string → whole µs (exact for strings). */
export function optNanosAsMicros(o: Json, field: string): number {
  const v = o[field];
  if (v === undefined || v === null) {
    return 0;
  }
  if (typeof v === 'string' && UINT64_TEXT.test(v)) {
    return v.length > 3 ? Number(v.slice(0, -3)) : 0;
  }
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
    return Math.floor(v / 1000);
  }
  throw shape(field, `expected a non-negative integer (number or decimal string), got ${describe(v)}`);
}

export function int64(v: unknown, field: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) {
    return v;
  }
  if (typeof v === 'string' && INT64_TEXT.test(v)) {
    return Number(v);
  }
  throw shape(field, `expected an integer (number or decimal string), got ${describe(v)}`);
}

export function double(v: unknown): number {
  if (typeof v === 'number') {
    return v;
  }
  const parsed = typeof v === 'string' ? doubleFromString(v) : undefined;
  if (parsed === undefined) {
    throw shape('doubleValue', `expected a number, got ${describe(v)}`);
  }
  return parsed;
}

function describe(v: unknown): string {
  if (v === null) {
    return 'null';
  }
  if (Array.isArray(v)) {
    return 'an array';
  }
  if (typeof v === 'string') {
    return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  }
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
