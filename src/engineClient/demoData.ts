/**
 * The bundled demo traces (media/demo, recorded with a fixed clock) are moved in time before import
 * so the newest span ends "now": windows such as "the last 60 minutes" and retention then treat the
 * demo like fresh data. Works on OTLP JSON requests (one per file, or NDJSON of requests).
 */

interface OtlpJsonSpan {
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  events?: { timeUnixNano?: string | number }[];
}
interface OtlpJsonRequest {
  resourceSpans?: { scopeSpans?: { spans?: OtlpJsonSpan[] }[] }[];
}

function spansOf(req: OtlpJsonRequest): OtlpJsonSpan[] {
  return (req.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []));
}

/** Latest span end (ns) across requests; undefined when there are no spans. */
export function latestEndNs(requests: OtlpJsonRequest[]): bigint | undefined {
  let max: bigint | undefined;
  for (const req of requests) {
    for (const s of spansOf(req)) {
      if (s.endTimeUnixNano !== undefined) {
        const v = BigInt(s.endTimeUnixNano);
        if (max === undefined || v > max) {
          max = v;
        }
      }
    }
  }
  return max;
}

/** Parses one OTLP JSON request or NDJSON of requests. */
export function parseOtlpJsonRequests(text: string): OtlpJsonRequest[] {
  const trimmed = text.trim();
  try {
    return [JSON.parse(trimmed) as OtlpJsonRequest];
  } catch {
    return trimmed.split(/\r?\n/).filter((l) => l.trim()).map((l) => JSON.parse(l) as OtlpJsonRequest);
  }
}

/** Shifts every timestamp by `deltaNs` in place. */
export function shiftRequests(requests: OtlpJsonRequest[], deltaNs: bigint): void {
  const shift = (v: string | number | undefined) => (v === undefined ? undefined : (BigInt(v) + deltaNs).toString());
  for (const req of requests) {
    for (const s of spansOf(req)) {
      s.startTimeUnixNano = shift(s.startTimeUnixNano);
      s.endTimeUnixNano = shift(s.endTimeUnixNano);
      for (const e of s.events ?? []) {
        e.timeUnixNano = shift(e.timeUnixNano);
      }
    }
  }
}

/**
 * Shifts a set of demo files together (keeping their relative timing) so the newest span ends at
 * `nowMs`; returns NDJSON text per file, ready for `POST /api/v1/import` as `content`.
 */
export function shiftDemoFiles(texts: string[], nowMs: number): string[] {
  const parsed = texts.map(parseOtlpJsonRequests);
  const latest = latestEndNs(parsed.flat());
  if (latest === undefined) {
    return texts;
  }
  const delta = BigInt(Math.floor(nowMs)) * 1_000_000n - latest;
  return parsed.map((reqs) => {
    shiftRequests(reqs, delta);
    return reqs.map((r) => JSON.stringify(r)).join('\n');
  });
}
