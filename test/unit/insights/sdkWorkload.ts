/**
 * A realistic workload for the insight tests, made by the real OpenTelemetry SDK (test/support/otelSdk.ts,
 * deterministic: seeded ids, fixed times) and decoded by the engine's OTLP decoder: run `a` has four
 * overlapping request streams whose N+1 grows with the overlap (scaling, N+1, errors, queue wait,
 * bottleneck), run `b` is a later version with more queries per order (duration change between runs).
 */
import type { AssembledTrace, Span } from '../../../src/engine/model';
import { decodeTraceRequestProto } from '../../../src/engine/otlp/protoDecoder';
import { serializeSpans, workloadSpans } from '../../support/otelSdk';

export const SDK_T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
/** When the workload is evaluated: an hour after run `b` started. */
export const SDK_NOW = SDK_T0 + 2 * 3600_000;

async function decoded(runId: string, opts: Parameters<typeof workloadSpans>[0]): Promise<AssembledTrace[]> {
  const byTrace = new Map<string, Span[]>();
  for (const s of decodeTraceRequestProto(serializeSpans('protobuf', await workloadSpans(opts))).spans) {
    const list = byTrace.get(s.traceId) ?? [];
    list.push(s);
    byTrace.set(s.traceId, list);
  }
  return [...byTrace].map(([traceId, spans]) => ({ traceId, runId, spans }));
}

export async function sdkWorkload(): Promise<AssembledTrace[]> {
  const out: AssembledTrace[] = [];
  for (let k = 0; k < 4; k++) {
    out.push(...(await decoded('a', { traces: 40, seed: 11 + k, startMs: SDK_T0 + k, dbCallsPerOrder: 3 + 3 * k })));
  }
  out.push(...(await decoded('b', { traces: 24, seed: 21, startMs: SDK_T0 + 3600_000, dbCallsPerOrder: 12, serviceVersion: '2.0.0' })));
  return out;
}
