/**
 * Which exemplar traces the waterfall offers: slowest, median and an error one. From the code
 * object's kept exemplars (statistics) first, then the traces its insights cite. Pure.
 */
import type { Insight } from '../shared/api';
import type { ExemplarRef } from '../shared/webviewProtocol';

/** An exemplar as the engine keeps it per code object (see CodeObjectStats.exemplars). */
export interface KeptExemplar {
  role: string;
  traceId: string;
  durationMs: number;
  error: boolean;
}

export function pickExemplars(kept: readonly KeptExemplar[] | undefined, insights: readonly Insight[]): ExemplarRef[] {
  const out = new Map<string, string>();
  const list = kept ?? [];
  const slowest = [...list].sort((a, b) => b.durationMs - a.durationMs)[0];
  if (slowest) {
    out.set('slowest', slowest.traceId);
  }
  const ok = list.filter((e) => !e.error && e.traceId !== slowest?.traceId).sort((a, b) => a.durationMs - b.durationMs);
  if (ok.length) {
    out.set('median', ok[Math.floor((ok.length - 1) / 2)].traceId);
  }
  const err = list.find((e) => e.error);
  if (err) {
    out.set('error', err.traceId);
  }
  for (const role of ['slowest', 'median', 'error']) {
    for (const i of insights) {
      const id = i.sampleTraceIds[role];
      if (id && !out.has(role)) {
        out.set(role, id);
      }
    }
  }
  return ['slowest', 'median', 'error'].filter((r) => out.has(r)).map((role) => ({ role, traceId: out.get(role) as string }));
}
