/** Validation of query parameters and bodies at the API boundary. */
import type { Severity } from '../../shared/api';
import { SEVERITIES } from '../../shared/api';
import type { StatsWindow } from '../model';
import { badRequest } from './http';

export function optInt(q: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') {
    return undefined;
  }
  if (!/^-?\d+$/.test(v)) {
    throw badRequest(`'${name}' must be an integer, got '${v}'`);
  }
  const n = Number(v);
  if (n < min || n > max) {
    throw badRequest(`'${name}' must be between ${min} and ${max}, got ${n}`);
  }
  return n;
}

export function optString(q: URLSearchParams, name: string, maxLen = 4096): string | undefined {
  const v = q.get(name);
  if (v === null || v === '') {
    return undefined;
  }
  if (v.length > maxLen) {
    throw badRequest(`'${name}' is longer than ${maxLen} characters`);
  }
  return v;
}

/** Comma-separated list (`keys=a,b`) and/or repeated parameter (`keys=a&keys=b`). */
export function optList(q: URLSearchParams, name: string, maxItems = 1000): string[] | undefined {
  const all = q.getAll(name).flatMap((v) => v.split(',')).filter((v) => v !== '');
  if (all.length === 0) {
    return undefined;
  }
  if (all.length > maxItems) {
    throw badRequest(`'${name}' has more than ${maxItems} items`);
  }
  return all;
}

/** `name=1|true` → true, `name=0|false` or absent → false. */
export function optFlag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '' || v === '0' || v === 'false') {
    return false;
  }
  if (v === '1' || v === 'true') {
    return true;
  }
  throw badRequest(`'${name}' must be 1, true, 0 or false, got '${v}'`);
}

export function optSeverity(q: URLSearchParams, name: string): Severity | undefined {
  const v = optString(q, name);
  if (v === undefined) {
    return undefined;
  }
  if (!(SEVERITIES as readonly string[]).includes(v)) {
    throw badRequest(`'${name}' must be one of ${SEVERITIES.join(', ')}, got '${v}'`);
  }
  return v as Severity;
}

/** `from`, `to` (ms epoch) and `run` query parameters. */
export function windowOf(q: URLSearchParams): StatsWindow {
  const w: StatsWindow = {};
  const from = optInt(q, 'from', 0, 8.64e15);
  const to = optInt(q, 'to', 0, 8.64e15);
  const run = optString(q, 'run', 512);
  if (from !== undefined) {
    w.fromMs = from;
  }
  if (to !== undefined) {
    w.toMs = to;
  }
  if (from !== undefined && to !== undefined && to <= from) {
    throw badRequest(`'to' must be after 'from'`);
  }
  if (run !== undefined) {
    w.runId = run;
  }
  return w;
}

/** An optional array of strings in a JSON body. */
export function stringArray(body: Record<string, unknown>, name: string, maxItems = 5000): string[] | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    return undefined;
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw badRequest(`'${name}' must be an array of strings`);
  }
  if (v.length > maxItems) {
    throw badRequest(`'${name}' has more than ${maxItems} items`);
  }
  return v as string[];
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
