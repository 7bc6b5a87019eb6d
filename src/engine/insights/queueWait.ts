/**
 * `queueWait`: for consumer endpoints, the time between the producer span (the consumer's parent, or
 * its first link, possibly in another trace) and the consumer's start.
 */
import type { AnalysisContext } from './context';
import type { InsightDraft } from './draft';
import { displayName, draft, fmtMs, fmtPct, pickSamples, round } from './draft';
import { quantile } from './stats';

export function queueWait(ctx: AnalysisContext): InsightDraft[] {
  const cfg = ctx.config.queueWait;
  const out: InsightDraft[] = [];
  for (const [endpoint, segs] of [...ctx.segmentsByEndpoint].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const waits: { waitMs: number; share: number; traceId: string; producer: string }[] = [];
    for (const s of segs) {
      const p = s.producerRef ? ctx.producers.get(s.producerRef) : undefined;
      if (!p) {
        continue;
      }
      const waitUs = Math.max(0, s.startUs - p.endUs);
      const e2e = s.startUs + s.durUs - p.startUs;
      waits.push({ waitMs: waitUs / 1000, share: e2e > 0 ? waitUs / e2e : 0, traceId: s.traceId, producer: p.key });
    }
    if (waits.length === 0) {
      continue;
    }
    const p50 = quantile(waits.map((w) => w.waitMs), 0.5);
    const p95 = quantile(waits.map((w) => w.waitMs), 0.95);
    const shareP50 = quantile(waits.map((w) => w.share), 0.5);
    if (p95 < cfg.minWaitP95Ms && shareP50 < cfg.minShare) {
      continue;
    }
    const producers = [...new Set(waits.map((w) => w.producer))].sort();
    out.push(
      draft({
        type: 'queueWait',
        codeObject: endpoint,
        severity: p95 >= 5 * cfg.minWaitP95Ms ? 'high' : 'medium',
        title: `Queue wait p95 ${fmtMs(p95)} (${fmtPct(shareP50)} of end-to-end)`,
        detail: `Messages for ${displayName(endpoint)} wait ${fmtMs(p50)} (p50) / ${fmtMs(p95)} (p95) between ${producers.map(displayName).join(', ')} and the consumer.`,
        figures: { waitP50Ms: round(p50), waitP95Ms: round(p95), waitShareP50: round(shareP50), producerCodeObjects: producers, messages: waits.length },
        sampleTraceIds: pickSamples(waits.map((w) => ({ traceId: w.traceId, durUs: w.waitMs * 1000 }))),
        confirmed: waits.length >= ctx.config.minTracesForActive,
      }),
    );
  }
  return out;
}
