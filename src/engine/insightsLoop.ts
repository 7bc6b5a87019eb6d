/**
 * The background evaluation of the insights: started a moment after new traces were observed (while
 * they keep coming, at most one start every MIN_GAP_MS, or longer when evaluations are costly, so
 * they take at most a twentieth of a core) and once a minute anyway (time windows
 * move, old insights are forgotten), run in slices of about SLICE_MS so no API request or OTLP
 * export waits behind a whole evaluation. Each result replaces the previous one at once.
 */
import type { Insight } from '../shared/api';
import type { InsightEngine } from './insights/engine';
import type { SliceStats } from './insights/slices';
import type { Logger } from './logger';
import type { AggregateReader } from './model';

/** Longest stretch an evaluation holds the event loop before handing it back (ms). */
export const SLICE_MS = 5;
/** After new traces, wait this long for more before evaluating (ms). */
const SETTLE_MS = 200;
/** While traces keep coming, at most one evaluation starts per this long (ms) … */
const MIN_GAP_MS = 3000;
/** … and per this many times the event-loop time the last one took, so evaluations use ≤ 5 % of a core under sustained ingest. */
const DUTY_FACTOR = 20;
/** Evaluate at least this often even without new traces (ms). */
const REFRESH_MS = 60_000;

export interface EvaluationRun extends SliceStats {
  /** When it started (ms epoch). */
  at: number;
  insights: number;
  traces: number;
}

export class EvaluationLoop {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly refresh: NodeJS.Timeout;
  private running = false;
  private dirty = false;
  private disposed = false;
  private lastStart = -Infinity;
  private waiters: (() => void)[] = [];
  /** Figures of the last evaluation (for logs and benchmarks). */
  lastRun: EvaluationRun | undefined;
  /** Evaluations completed since start. */
  runs = 0;

  constructor(
    private readonly engine: InsightEngine,
    private readonly reader: AggregateReader,
    private readonly log: Logger,
    private readonly onResult: (insights: Insight[]) => void,
  ) {
    this.refresh = setInterval(() => {
      this.dirty = true;
      this.schedule(0, false);
    }, REFRESH_MS);
    this.refresh.unref();
  }

  /** New traces (or a reset): evaluate again soon. */
  changed(): void {
    this.dirty = true;
    this.schedule(SETTLE_MS, false);
  }

  /** Resolves once an evaluation that started after this call has finished (right away if none is running). */
  fresh(): Promise<void> {
    if (this.disposed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.dirty = true;
      this.schedule(0, true);
    });
  }

  private schedule(delayMs: number, urgent: boolean): void {
    if (this.disposed || this.running) {
      return; // run() looks at `dirty` and the waiters when it ends
    }
    const gap = Math.max(MIN_GAP_MS, (this.lastRun?.busyMs ?? 0) * DUTY_FACTOR);
    const at = Math.max(Date.now() + delayMs, urgent ? 0 : this.lastStart + gap);
    if (this.timer !== undefined && this.timerAt <= at) {
      return;
    }
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.run();
    }, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.running || this.disposed) {
      return;
    }
    this.running = true;
    this.dirty = false;
    const waiting = this.waiters;
    this.waiters = [];
    const at = Date.now();
    this.lastStart = at;
    const stats: SliceStats = { totalMs: 0, busyMs: 0, slices: 0, longestSliceMs: 0 };
    try {
      const list = await this.engine.evaluateSliced(this.reader, at, SLICE_MS, stats);
      if (!this.disposed) {
        this.onResult(list);
      }
      this.lastRun = { ...stats, at, insights: list.length, traces: this.engine.traceCount };
      this.runs++;
      for (const f of this.engine.lastFailures) {
        this.log.warn(`analyzer ${f.type} failed: ${f.message}`);
      }
    } catch (e) {
      this.log.warn(`insights evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.running = false;
      for (const w of waiting) {
        w();
      }
      if (this.waiters.length > 0) {
        this.schedule(0, true);
      } else if (this.dirty) {
        this.schedule(SETTLE_MS, false);
      }
    }
  }

  /** Stops scheduling; waiters are released with the last result. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    clearInterval(this.refresh);
    for (const w of this.waiters.splice(0)) {
      w();
    }
  }
}
