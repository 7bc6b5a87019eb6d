/**
 * Trace assembler: joins the spans of one trace that arrive in different batches or minutes apart,
 * and hands the trace on once it is quiet — a short idle time after its local root ended (a root is
 * exported only when it has ended), or a longer one when no local root shows up. Spans that arrive
 * within the late window are joined to the trace, which is handed on again with the superset.
 * Memory is bounded: a cap on the spans buffered in total (the oldest quiet traces are evicted,
 * handed on first) and per trace.
 */
import type { AssembledTrace, Span, TraceObserver } from './model';
import type { Logger } from './logger';

export interface AssemblerOptions {
  traceIdleMs: number;
  traceOrphanIdleMs: number;
  lateWindowMs: number;
  maxBufferedSpans: number;
  maxSpansPerTrace: number;
}

export interface BufferedSpan {
  span: Span;
  /** Run id of the span's resource. */
  run: string;
  /** Numbers of the code objects the span counts for. */
  codeObjects: number[];
  /** True when the span starts a local segment (a local root). */
  startsSegment: boolean;
  /** True once its self time went into the aggregates. */
  selfDone: boolean;
}

export interface TraceBuffer {
  traceId: string;
  items: BufferedSpan[];
  ids: Set<string>;
  lastArrival: number;
  rootSeen: boolean;
  emitted: number;
  dropped: number;
}

/** Called for every emission before the observers (the store: self time, exemplars). */
export type EmitHook = (t: TraceBuffer, assembled: AssembledTrace) => void;

export class TraceAssembler {
  private traces = new Map<string, TraceBuffer>();
  private buffered = 0;
  private readonly observers: TraceObserver[] = [];
  /** Traces handed on at least once (stats). */
  tracesEmitted = 0;
  spansDropped = 0;

  constructor(
    private readonly opts: AssemblerOptions,
    private readonly hook: EmitHook,
    private readonly log: Logger,
  ) {}

  addObserver(o: TraceObserver): void {
    this.observers.push(o);
  }

  get bufferedSpans(): number {
    return this.buffered;
  }

  get bufferedTraces(): number {
    return this.traces.size;
  }

  get(traceId: string): TraceBuffer | undefined {
    return this.traces.get(traceId);
  }

  add(items: BufferedSpan[], now: number): void {
    for (const it of items) {
      const id = it.span.traceId;
      let t = this.traces.get(id);
      if (t) {
        // Re-insert so the map stays ordered by last arrival.
        this.traces.delete(id);
      } else {
        t = { traceId: id, items: [], ids: new Set(), lastArrival: now, rootSeen: false, emitted: 0, dropped: 0 };
      }
      this.traces.set(id, t);
      t.lastArrival = now;
      if (t.ids.has(it.span.spanId)) {
        continue;
      }
      if (t.items.length >= this.opts.maxSpansPerTrace) {
        t.dropped++;
        this.spansDropped++;
        continue;
      }
      t.ids.add(it.span.spanId);
      t.items.push(it);
      this.buffered++;
      if (it.startsSegment || !it.span.parentSpanId) {
        t.rootSeen = true;
      }
    }
    if (this.buffered > this.opts.maxBufferedSpans) {
      this.evict(Math.floor(this.opts.maxBufferedSpans * 0.9));
    }
  }

  private evict(target: number): void {
    let n = 0;
    for (const t of this.traces.values()) {
      if (this.buffered <= target) {
        break;
      }
      this.finish(t);
      n++;
    }
    this.log.warn(`assembler over ${this.opts.maxBufferedSpans} buffered spans: handed on and dropped the ${n} oldest traces early`);
  }

  /** Hands on quiet traces and forgets those past the late window. */
  sweep(now: number): void {
    const minQuiet = Math.min(this.opts.traceIdleMs, this.opts.traceOrphanIdleMs);
    for (const t of [...this.traces.values()]) {
      const quiet = now - t.lastArrival;
      if (quiet < minQuiet) {
        break;
      }
      if (quiet >= this.opts.lateWindowMs) {
        this.finish(t);
      } else if (t.emitted < t.items.length && quiet >= (t.rootSeen ? this.opts.traceIdleMs : this.opts.traceOrphanIdleMs)) {
        this.emit(t);
      }
    }
  }

  /** Hands on everything not yet handed on (shutdown) without forgetting the traces. */
  flushAll(): void {
    for (const t of this.traces.values()) {
      if (t.emitted < t.items.length) {
        this.emit(t);
      }
    }
  }

  clear(): void {
    this.traces.clear();
    this.buffered = 0;
  }

  private finish(t: TraceBuffer): void {
    if (t.emitted < t.items.length) {
      this.emit(t);
    }
    this.traces.delete(t.traceId);
    this.buffered -= t.items.length;
  }

  private emit(t: TraceBuffer): void {
    if (t.emitted === 0) {
      this.tracesEmitted++;
    }
    t.emitted = t.items.length;
    const root = t.items.find((i) => !i.span.parentSpanId) ?? t.items.find((i) => i.startsSegment) ?? t.items[0];
    const assembled: AssembledTrace = { traceId: t.traceId, spans: t.items.map((i) => i.span), runId: root.run };
    try {
      this.hook(t, assembled);
    } catch (e) {
      this.log.error(`trace ${t.traceId}: ${(e as Error).stack ?? String(e)}`);
    }
    for (const o of this.observers) {
      try {
        o.observeTrace(assembled);
      } catch (e) {
        this.log.error(`observer failed on trace ${t.traceId}: ${(e as Error).stack ?? String(e)}`);
      }
    }
  }
}
