/**
 * What an analyzer returns: an insight without its lifecycle fields, plus whether the evidence is
 * strong enough to be `active` (else it stays `evaluating`). The engine adds firstSeen/lastSeen/status.
 */
import type { Insight, InsightScope, InsightType, Severity } from '../../shared/api';

export type InsightDraft = Omit<Insight, 'firstSeen' | 'lastSeen' | 'status'> & { confirmed: boolean };

/** FNV-1a 32-bit, hex: a short stable discriminator for ids (statements, exception types). */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Stable id: type + code object (+ a discriminator). */
export function insightId(type: InsightType, codeObject: string, discriminator?: string): string {
  return discriminator === undefined ? `${type}:${codeObject}` : `${type}:${codeObject}#${shortHash(discriminator)}`;
}

/** The service part of a key (`span:<service>:…`, `endpoint:<service>:…`); functions have none. */
export function serviceOfKey(key: string): string {
  if (key.startsWith('fn:')) {
    return '';
  }
  const a = key.indexOf(':');
  const b = key.indexOf(':', a + 1);
  return b > a ? key.slice(a + 1, b) : '';
}

/** The readable part of a key: what follows `kind:service:` (and the scope for span keys). */
export function displayName(key: string): string {
  if (key.startsWith('fn:')) {
    return key.slice(3);
  }
  const parts = key.split(':');
  return key.startsWith('span:') ? parts.slice(3).join(':') : parts.slice(2).join(':');
}

export function scopeOfKey(key: string): InsightScope {
  return key.startsWith('fn:') ? 'function' : key.startsWith('span:') ? 'span' : 'endpoint';
}

export interface Draftable {
  type: InsightType;
  codeObject: string;
  discriminator?: string;
  scope?: InsightScope;
  severity: Severity;
  title: string;
  detail: string;
  figures: InsightDraft['figures'];
  sampleTraceIds?: InsightDraft['sampleTraceIds'];
  confirmed?: boolean;
  service?: string;
  stackFrames?: InsightDraft['stackFrames'];
}

export function draft(d: Draftable): InsightDraft {
  return {
    id: insightId(d.type, d.codeObject, d.discriminator),
    type: d.type,
    scope: d.scope ?? scopeOfKey(d.codeObject),
    severity: d.severity,
    codeObject: d.codeObject,
    service: d.service ?? serviceOfKey(d.codeObject),
    title: d.title,
    detail: d.detail,
    figures: d.figures,
    sampleTraceIds: d.sampleTraceIds ?? {},
    confirmed: d.confirmed ?? true,
    ...(d.stackFrames ? { stackFrames: d.stackFrames } : {}),
  };
}

export interface Sampled {
  traceId: string;
  durUs: number;
  error?: boolean;
}

/** a before b: by duration, then trace id (a total order, so samples never depend on input order). */
function before(a: Sampled, b: Sampled): boolean {
  return a.durUs < b.durUs || (a.durUs === b.durUs && a.traceId < b.traceId);
}

/**
 * Slowest, median and (when any) the fastest error trace among `items`; deterministic on ties.
 * Linear scans plus one native numeric sort of the durations: called for every insight.
 */
export function pickSamples(items: readonly Sampled[]): InsightDraft['sampleTraceIds'] {
  if (items.length === 0) {
    return {};
  }
  const durs = new Float64Array(items.length);
  items.forEach((it, i) => (durs[i] = it.durUs));
  durs.sort();
  const medianDur = durs[Math.floor((items.length - 1) / 2)];
  let slowest = items[0];
  let median: Sampled | undefined;
  let err: Sampled | undefined;
  for (const it of items) {
    if (before(slowest, it)) {
      slowest = it;
    }
    if (it.durUs === medianDur && (!median || it.traceId < median.traceId)) {
      median = it;
    }
    if (it.error && (!err || before(it, err))) {
      err = it;
    }
  }
  const out: InsightDraft['sampleTraceIds'] = { slowest: slowest.traceId, median: median!.traceId };
  if (err) {
    out.error = err.traceId;
  }
  return out;
}

/** `812 ms`, `1.2 s`, `45 µs`. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) {
    return '–';
  }
  if (ms >= 1000) {
    return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  }
  if (ms >= 10) {
    return `${Math.round(ms)} ms`;
  }
  if (ms >= 1) {
    return `${ms.toFixed(1)} ms`;
  }
  return `${Math.round(ms * 1000)} µs`;
}

export function fmtPct(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
