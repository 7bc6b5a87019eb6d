/**
 * Trace assembler: joins the spans of one trace that arrive in different batches or minutes apart,
 * and hands the trace on once it is quiet — a short idle time after its local root ended (a root is
 * exported only when it has ended), or a longer one when no local root shows up. Spans that arrive
 * within the late window are joined to the trace, which is handed on again with the superset.
 *
 * Traces live in two maps, each ordered by last arrival: `pending` (spans not handed on yet) and
 * `done` (handed on, kept for late spans until the late window ends). Memory is bounded by a cap on
 * the spans buffered in total: handed-on traces are forgotten first (cheap, while adding), then
 * the oldest pending ones are handed on early by the next sweep. The event loop is never held
 * long: adding a batch never runs the observers, and sweeps work in slices of a few milliseconds.
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
  codeObjects: readonly number[];
  /** True when the span starts a local segment (a local root). */
  startsSegment: boolean;
  /**
   * The self time (ms) that went into the aggregates for it; undefined until counted, NaN when it
   * was counted before a restart (value unknown, so it is not recounted).
   */
  selfMs?: number;
}

export interface TraceBuffer {
  traceId: string;
  items: BufferedSpan[];
  /** Span ids, once the trace has more than SMALL_TRACE spans (smaller ones are scanned). */
  ids?: Set<string>;
  lastArrival: number;
  rootSeen: boolean;
  emitted: number;
  dropped: number;
}

/** Called for every emission before the observers (the store: self time, exemplars). */
export type EmitHook = (t: TraceBuffer) => void;

/**
 * An observer that only needs a representative sample of the traces when they come fast (the
 * insights: shares, repeats and rates are proportions). Up to `tracesPerSecond` every trace is
 * seen; past it, a fixed fraction (a power of two, adapted each second) chosen by the trace id's
 * random low bits, so a trace handed on again gets the same answer. Whatever the fraction, the
 * first `STRATUM_FLOOR` traces per second of each kind of trace (the code object of its root span)
 * are seen too: an endpoint called a few times among thousands of calls of others is not sampled
 * away (the total stays within `tracesPerSecond`).
 */
export interface ObserverOptions {
  tracesPerSecond?: number;
}

/**
 * Traces per second of each kind (root code object) a sampling observer sees at any fraction. Kept
 * small: past the fraction these traces are over-represented in the sample (a share computed over
 * the analysed traces leans towards the rare kinds by at most kinds × this per second).
 */
export const STRATUM_FLOOR = 2;

class SampledObserver {
  /** Keep traces whose low 16 id bits are below this (65536 = all). */
  private threshold = 65536;
  private second = 0;
  /** Traces offered and observed in the current second. */
  private offered = 0;
  private observed = 0;
  /** Traces offered in the current second per kind (root code object). */
  private readonly perStratum = new Map<number, number>();

  constructor(
    readonly observer: TraceObserver,
    private readonly limit: number,
  ) {}

  /**
   * Whether the observer takes this trace (counted as offered, and as observed when it does);
   * its kind (the code object of its root span) is looked up only while the floor applies.
   */
  takes(t: TraceBuffer, now: number): boolean {
    const sec = Math.floor(now / 1000);
    if (sec !== this.second) {
      // The fraction (a power of two) that would have kept the last second under the limit.
      const last = sec === this.second + 1 ? this.offered : 0;
      const shift = last > this.limit ? Math.min(16, Math.ceil(Math.log2(last / this.limit))) : 0;
      this.threshold = 65536 >> shift;
      this.second = sec;
      this.offered = 0;
      this.observed = 0;
      this.perStratum.clear();
    }
    this.offered++;
    if (this.threshold < 65536 && this.observed < this.limit) {
      const stratum = rootOf(t).codeObjects[0] ?? -1;
      const seen = this.perStratum.get(stratum) ?? 0;
      this.perStratum.set(stratum, seen + 1);
      if (seen < STRATUM_FLOOR) {
        this.observed++;
        return true;
      }
    }
    if (this.observed >= this.limit && this.threshold > 1) {
      // A burst inside this second: halve the fraction now rather than at the next second.
      this.threshold >>= 1;
      this.observed = Math.floor(this.observed / 2);
    }
    if (this.threshold < 65536 && lowBits(t.traceId) >= this.threshold) {
      return false;
    }
    this.observed++;
    return true;
  }

  /** Fraction of traces handed to the observer right now (1 = all). */
  get fraction(): number {
    return this.threshold / 65536;
  }
}

function rootOf(t: TraceBuffer): BufferedSpan {
  return t.items.find((i) => !i.span.parentSpanId) ?? t.items.find((i) => i.startsSegment) ?? t.items[0];
}

function assembledOf(t: TraceBuffer): AssembledTrace {
  return { traceId: t.traceId, spans: t.items.map((i) => i.span), runId: rootOf(t).run };
}

function lowBits(traceId: string): number {
  const v = parseInt(traceId.slice(-4), 16);
  return Number.isNaN(v) ? 0 : v;
}

/** Traces up to this many spans find duplicates by a scan, not a Set (most traces are small). */
const SMALL_TRACE = 16;

function hasSpan(t: TraceBuffer, spanId: string): boolean {
  if (t.ids) {
    return t.ids.has(spanId);
  }
  for (const i of t.items) {
    if (i.span.spanId === spanId) {
      return true;
    }
  }
  return false;
}

/** How long one sweep slice may hold the event loop. */
const SLICE_MS = 8;

export class TraceAssembler {
  private pending = new Map<string, TraceBuffer>();
  private done = new Map<string, TraceBuffer>();
  private buffered = 0;
  private readonly observers: SampledObserver[] = [];
  private lastEvictWarning = 0;
  /** Traces handed on at least once (stats). */
  tracesEmitted = 0;
  /** Pending traces handed on early because the buffer was full (stats). */
  tracesEvicted = 0;
  spansDropped = 0;

  constructor(
    private readonly opts: AssemblerOptions,
    private readonly hook: EmitHook,
    private readonly log: Logger,
  ) {}

  addObserver(o: TraceObserver, options: ObserverOptions = {}): void {
    this.observers.push(new SampledObserver(o, options.tracesPerSecond ?? Infinity));
  }

  /** Fraction of traces each observer sees right now (1 = all), in the order they were added. */
  get observerFractions(): number[] {
    return this.observers.map((o) => o.fraction);
  }

  get bufferedSpans(): number {
    return this.buffered;
  }

  get bufferedTraces(): number {
    return this.pending.size + this.done.size;
  }

  get(traceId: string): TraceBuffer | undefined {
    return this.pending.get(traceId) ?? this.done.get(traceId);
  }

  add(items: BufferedSpan[], now: number): void {
    for (const it of items) {
      const id = it.span.traceId;
      let t = this.pending.get(id);
      if (t && t.lastArrival === now) {
        // Already moved to the end for this arrival time: spans of one trace come together.
      } else if (t) {
        // Re-insert so the map stays ordered by last arrival.
        this.pending.delete(id);
      } else {
        t = this.done.get(id);
        if (t) {
          this.done.delete(id);
        } else {
          t = { traceId: id, items: [], lastArrival: now, rootSeen: false, emitted: 0, dropped: 0 };
        }
      }
      t.lastArrival = now;
      const dup = hasSpan(t, it.span.spanId);
      if (dup || t.items.length >= this.opts.maxSpansPerTrace) {
        if (!dup) {
          t.dropped++;
          this.spansDropped++;
        }
        (t.emitted < t.items.length || t.items.length === 0 ? this.pending : this.done).set(id, t);
        continue;
      }
      if (t.ids) {
        t.ids.add(it.span.spanId);
      } else if (t.items.length >= SMALL_TRACE) {
        t.ids = new Set(t.items.map((i) => i.span.spanId));
        t.ids.add(it.span.spanId);
      }
      t.items.push(it);
      this.buffered++;
      if (it.startsSegment || !it.span.parentSpanId) {
        t.rootSeen = true;
      }
      this.pending.set(id, t);
    }
    // Forgetting handed-on traces is cheap and done at once; handing pending ones on early is
    // left to the next sweep slice (see `overCap`), so adding a batch never runs the observers.
    this.forgetDone();
  }

  /** True when pending traces must be handed on early: call `sweep` soon. */
  get overCap(): boolean {
    return this.buffered > this.opts.maxBufferedSpans;
  }

  private forgetDone(): void {
    for (const t of this.done.values()) {
      if (this.buffered <= this.opts.maxBufferedSpans) {
        return;
      }
      this.forget(t);
    }
  }

  /** Back under the cap by handing on the oldest pending traces early, until the deadline. */
  private evict(now: number, deadline: number): boolean {
    this.forgetDone();
    let n = 0;
    let more = false;
    for (const t of this.pending.values()) {
      if (this.buffered <= this.opts.maxBufferedSpans) {
        break;
      }
      this.emit(t, now);
      this.forget(t);
      if ((++n & 15) === 0 && performance.now() > deadline) {
        more = this.overCap;
        break;
      }
    }
    this.tracesEvicted += n;
    if (n > 0 && now - this.lastEvictWarning > 60_000) {
      this.lastEvictWarning = now;
      this.log.warn(`more than ${this.opts.maxBufferedSpans} spans waiting for their traces to complete: handing on the oldest traces early (setting maxBufferedSpans)`);
    }
    return more;
  }

  /**
   * Hands on quiet traces and forgets those past the late window, for at most a few milliseconds.
   * Returns true when there is more to do (call again soon, after other work had its turn).
   */
  sweep(now: number, sliceMs = SLICE_MS): boolean {
    const deadline = performance.now() + sliceMs;
    if (this.overCap && this.evict(now, deadline)) {
      return true;
    }
    let n = 0;
    const minQuiet = Math.min(this.opts.traceIdleMs, this.opts.traceOrphanIdleMs);
    for (const t of this.pending.values()) {
      const quiet = now - t.lastArrival;
      if (quiet < minQuiet) {
        break;
      }
      if (quiet >= this.opts.lateWindowMs) {
        this.emit(t, now);
        this.forget(t);
      } else if (quiet >= (t.rootSeen ? this.opts.traceIdleMs : this.opts.traceOrphanIdleMs)) {
        this.emit(t, now);
        this.pending.delete(t.traceId);
        this.done.set(t.traceId, t);
      }
      if ((++n & 15) === 0 && performance.now() > deadline) {
        return true;
      }
    }
    for (const t of this.done.values()) {
      if (now - t.lastArrival < this.opts.lateWindowMs) {
        break;
      }
      this.forget(t);
      if ((++n & 255) === 0 && performance.now() > deadline) {
        return true;
      }
    }
    return false;
  }

  /** Hands on everything not yet handed on (shutdown) without forgetting the traces. */
  flushAll(now = Date.now()): void {
    for (const t of this.pending.values()) {
      this.emit(t, now);
      this.pending.delete(t.traceId);
      this.done.set(t.traceId, t);
    }
  }

  clear(): void {
    this.pending.clear();
    this.done.clear();
    this.buffered = 0;
  }

  private forget(t: TraceBuffer): void {
    this.pending.delete(t.traceId);
    this.done.delete(t.traceId);
    this.buffered -= t.items.length;
  }

  private emit(t: TraceBuffer, now: number): void {
    if (t.emitted >= t.items.length) {
      return;
    }
    if (t.emitted === 0) {
      this.tracesEmitted++;
    }
    t.emitted = t.items.length;
    try {
      this.hook(t);
    } catch (e) {
      this.log.error(`trace ${t.traceId}: ${(e as Error).stack ?? String(e)}`);
    }
    // Built only when a (sampling) observer takes the trace.
    let assembled: AssembledTrace | undefined;
    for (const o of this.observers) {
      try {
        if (o.takes(t, now)) {
          assembled ??= assembledOf(t);
          o.observer.observeTrace(assembled);
        }
      } catch (e) {
        this.log.error(`observer failed on trace ${t.traceId}: ${(e as Error).stack ?? String(e)}`);
      }
    }
  }
}
