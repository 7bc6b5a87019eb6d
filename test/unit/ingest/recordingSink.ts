/**
 * A real, tiny SpanSink for receiver tests: keeps every batch in memory, answers like the engine
 * does (counting the decoder's rejections), and can be switched to "overloaded".
 */
import { OverloadedError } from '../../../src/engine/model';
import { plainSpan } from '../../../src/engine/otlp/lazySpan';
import type { IngestOrigin, IngestResult, Span, SpanBatch, SpanSink } from '../../../src/engine/model';

export class RecordingSink implements SpanSink {
  readonly batches: { batch: SpanBatch; origin: IngestOrigin }[] = [];
  /** When set, `ingest` rejects with an OverloadedError carrying this many seconds. */
  overloadedFor: number | undefined;
  /** When set, `ingest` fails with this error (a broken store). */
  failWith: Error | undefined;

  async ingest(batch: SpanBatch, origin: IngestOrigin): Promise<IngestResult> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.overloadedFor !== undefined) {
      throw new OverloadedError(this.overloadedFor);
    }
    if (this.failWith) {
      throw this.failWith;
    }
    this.batches.push({ batch, origin });
    return { accepted: batch.spans.length, rejected: batch.rejected, errorMessage: batch.rejectReason };
  }

  /** Every span received, as plain objects (protobuf spans decode their attributes lazily). */
  get spans(): Span[] {
    return this.batches.flatMap((b) => b.batch.spans.map(plainSpan));
  }

  get rejected(): number {
    return this.batches.reduce((n, b) => n + b.batch.rejected, 0);
  }
}

/** Spans in one order (by span id) as plain objects, for comparing batches that grouped them differently. */
/** A batch with its spans as plain objects (lazily decoded spans compared by their fields). */
export function plainBatch(batch: SpanBatch): SpanBatch {
  return { ...batch, spans: batch.spans.map(plainSpan) };
}

export function sortSpans(spans: Span[]): Span[] {
  return spans.map(plainSpan).sort((a, b) => a.spanId.localeCompare(b.spanId));
}
