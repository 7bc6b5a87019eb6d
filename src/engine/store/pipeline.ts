/**
 * The ingest pipeline (the engine's SpanSink): validate → journal (group-commit fsync; the batch is
 * acknowledged only once durable) → runs and code-object keys → aggregates + trace assembler.
 * Periodic checkpoints write the aggregates into SQLite; on start the journal's tail past the last
 * checkpoint is applied again, and the older records still in the journal refill the assembler.
 *
 * Use: `new IngestPipeline(config, log)`, attach observers / checkpoint participants (they can read
 * `pipeline.store`), then `start()`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { EngineConfig } from '../config';
import { endpointOf, segmentStarts } from '../aggregates/codeObjectKeys';
import type { BufferedSpan, ObserverOptions } from '../assembler';
import { TraceAssembler } from '../assembler';
import type { Logger } from '../logger';
import type { IngestOrigin, IngestResult, Resource, Span, SpanBatch, SpanSink, TraceObserver } from '../model';
import { OverloadedError } from '../model';
import { LazySpan } from '../otlp/lazySpan';
import { CodeObjectLists } from './codeObjectLists';
import { IdleGc } from './idleGc';
import { Journal } from './journal';
import type { JournalBatch } from './journalCodec';
import { decodeBatch, encodeBatch, validSpan } from './journalCodec';
import type { CodeObjectEntry } from './registry';
import type { RunRef } from './runs';
import { runOfResource } from './runs';
import type { CheckpointParticipant } from './spanStore';
import { SpanStore } from './spanStore';

const MAX_JOURNAL_BYTES = 512 * 1024 * 1024;
export class IngestPipeline implements SpanSink {
  readonly store: SpanStore;
  readonly assembler: TraceAssembler;
  private readonly journal: Journal;
  private readonly importRuns = new Map<string, RunRef>();
  /** Shared code-object lists of buffered spans (codeObjectLists.ts). */
  private readonly coLists = new CodeObjectLists();
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  private closing = false;
  private dirty = false;
  private sweeping = false;
  private readonly idleGc: IdleGc;
  /** Longest synchronous apply of one batch (ms), for the event-loop budget. */
  maxApplyMs = 0;
  /** How late the event loop ran timers since start (ingest, sweeps, checkpoints and queries alike). */
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor(
    private readonly config: EngineConfig,
    private readonly log: Logger,
  ) {
    this.store = new SpanStore({ ...config, backend: config.storeBackend, log: log.child('store') });
    this.journal = new Journal(config.storage, { segmentBytes: 16 * 1024 * 1024, segmentMaxAgeMs: 30_000, maxQueueBytes: config.maxQueueBytes }, log.child('journal'));
    this.idleGc = new IdleGc(config.idleGcAfterMs, config.idleGcMinGrowthMB * 2 ** 20, log.child('memory'));
    this.assembler = new TraceAssembler(
      config,
      (t) => {
        this.dirty = true;
        this.store.onTraceAssembled(t);
      },
      log.child('assembler'),
    );
  }

  addObserver(o: TraceObserver, options?: ObserverOptions): void {
    this.assembler.addObserver(o, options);
  }

  addParticipant(p: CheckpointParticipant): void {
    this.store.addParticipant(p);
  }

  /** Replays the journal, checkpoints, and starts the periodic work. */
  start(): void {
    if (this.started) {
      return;
    }
    this.started = true;
    let replayed = 0;
    let refilled = 0;
    let spans = 0;
    for (const rec of this.journal.replay(this.store.checkpointedSeq + 1)) {
      let jb: JournalBatch;
      try {
        jb = decodeBatch(rec.payload);
      } catch (e) {
        this.log.warn(`journal record ${rec.seq} unreadable, skipped: ${(e as Error).message}`);
        continue;
      }
      const aggregate = rec.seq > this.store.checkpointedSeq;
      this.apply(jb, aggregate);
      if (aggregate) {
        this.store.appliedSeq = rec.seq;
        replayed++;
        spans += jb.spans.length;
      } else {
        refilled++;
      }
    }
    if (replayed + refilled > 0) {
      this.log.info(`journal: applied ${replayed} batches (${spans} spans) past the last checkpoint; ${refilled} older batches refilled the trace assembler`);
    }
    this.checkpoint();
    this.maintain();
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(() => {
        try {
          fn();
        } catch (e) {
          this.log.error((e as Error).stack ?? String(e));
        }
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(Math.max(50, Math.min(500, this.config.traceIdleMs / 2)), () => this.sweep());
    every(this.config.checkpointIntervalMs, () => this.checkpoint());
    every(60_000, () => this.maintain());
    if (this.idleGc.enabled) {
      every(this.idleGc.tickMs, () => this.idleGc.tick(this.store.counters.lastIngestAt, Date.now()));
    }
    this.loopDelay.enable();
  }

  /** Sweeps the assembler in slices, letting requests in between, until nothing is due. */
  private sweep(soon = false): void {
    if (this.sweeping) {
      return;
    }
    this.sweeping = true;
    const step = (): void => {
      let more = false;
      try {
        more = !this.closing && this.assembler.sweep(Date.now());
      } catch (e) {
        this.log.error((e as Error).stack ?? String(e));
      }
      if (more) {
        setImmediate(step);
      } else {
        this.sweeping = false;
      }
    };
    if (soon) {
      setImmediate(step);
    } else {
      step();
    }
  }

  /** Files every span of the coming `ingest` calls with `origin.runId === run.id` under this run. */
  registerImportRun(run: RunRef): void {
    this.importRuns.set(run.id, run);
  }

  async ingest(batch: SpanBatch, origin: IngestOrigin): Promise<IngestResult> {
    if (this.closing || !this.started) {
      throw new OverloadedError(1);
    }
    const now = Date.now();
    const nowUs = now * 1000;
    const spans = batch.spans.filter((s) => validSpan(s, nowUs));
    const invalid = batch.spans.length - spans.length;
    const rejected = batch.rejected + invalid;
    let errorMessage = batch.rejectReason;
    if (invalid > 0) {
      const why = `${invalid} span(s) with missing ids or impossible times (end before start, not finite, far future)`;
      errorMessage = errorMessage ? `${errorMessage}; ${why}` : why;
    }
    if (spans.length === 0) {
      this.store.countIngest(0, rejected, now);
      return errorMessage ? { accepted: 0, rejected, errorMessage } : { accepted: 0, rejected };
    }
    const runOf = new Map<Resource, RunRef>();
    for (const s of spans) {
      if (!runOf.has(s.resource)) {
        runOf.set(s.resource, this.runFor(s.resource, origin));
      }
    }
    const jb: JournalBatch = { at: now, transport: origin.transport, spans, rejected, runOf };
    if (batch.source) {
      jb.source = batch.source;
    }
    const { seq, durable } = this.journal.append(encodeBatch(jb));
    await durable;
    const t0 = performance.now();
    this.apply(jb, true);
    this.store.appliedSeq = seq;
    this.maxApplyMs = Math.max(this.maxApplyMs, performance.now() - t0);
    return errorMessage ? { accepted: spans.length, rejected, errorMessage } : { accepted: spans.length, rejected };
  }

  private runFor(resource: Resource, origin: IngestOrigin): RunRef {
    if (origin.runId) {
      return this.importRuns.get(origin.runId) ?? this.store.registry.runs.get(origin.runId) ?? { id: origin.runId, label: origin.runId, source: 'import' };
    }
    return runOfResource(resource);
  }

  /** Applies one batch: aggregates (unless already checkpointed) and the assembler. */
  private apply(jb: JournalBatch, aggregate: boolean): void {
    const now = Date.now();
    const starts = segmentStarts(jb.spans);
    const items: BufferedSpan[] = new Array(jb.spans.length);
    const runNo = new Map<Resource, number>();
    if (aggregate) {
      const perResource = new Map<Resource, { n: number; from: number; to: number }>();
      for (const s of jb.spans) {
        const p = perResource.get(s.resource);
        if (p) {
          p.n++;
          p.from = Math.min(p.from, s.startUs / 1000);
          p.to = Math.max(p.to, s.endUs / 1000);
        } else {
          perResource.set(s.resource, { n: 1, from: s.startUs / 1000, to: s.endUs / 1000 });
        }
      }
      for (const [r, p] of perResource) {
        runNo.set(r, this.store.recordRun(jb.runOf.get(r)!, r.serviceName, p.n, p.from, p.to));
      }
    }
    const registry = this.store.registry;
    for (let i = 0; i < jb.spans.length; i++) {
      const s = jb.spans[i];
      // Numbers of its code objects; with `aggregate`, each counts the call (run 0: replay only).
      const run = aggregate ? runNo.get(s.resource)! : 0;
      const spanCo = this.count(registry.spanCodeObject(s), run, s, now);
      const ep = starts[i] ? endpointOf(s) : undefined;
      const epCo = ep ? this.count(registry.codeObject(ep), run, s, now) : -1;
      const fn = registry.functionCodeObject(s);
      const fnCo = fn ? this.count(fn, run, s, now) : -1;
      // One shared array per combination; items of one shape (selfMs set later keeps it).
      const cos = epCo < 0 ? this.coLists.of(spanCo, fnCo) : this.coLists.of(spanCo, epCo, fnCo);
      items[i] = { span: s, run: jb.runOf.get(s.resource)!.id, codeObjects: cos, startsSegment: starts[i], selfMs: aggregate ? undefined : NaN };
      if (s instanceof LazySpan) {
        s.settle();
      }
    }
    this.assembler.add(items, now);
    if (this.assembler.overCap && this.started) {
      this.sweep(true);
    }
    if (aggregate) {
      this.store.countIngest(jb.spans.length, jb.rejected, now);
      this.dirty = true;
    }
  }

  /** Counts a call of a code object in run number `run` (0: already counted, refill only). */
  private count(e: CodeObjectEntry, run: number, s: Span, now: number): number {
    return run === 0 ? e.no : this.store.recordCall(e, run, s, now);
  }

  /** Writes the in-memory state to SQLite and drops journal segments no longer needed. */
  checkpoint(final = false): void {
    if (this.dirty || this.store.appliedSeq !== this.store.checkpointedSeq || final) {
      this.dirty = false;
      this.store.checkpoint(Date.now(), final);
    }
    this.journal.prune(this.store.checkpointedSeq, this.config.lateWindowMs, MAX_JOURNAL_BYTES);
  }

  maintain(): void {
    this.store.maintain();
  }

  /** Whether the memory a burst of ingest grew is given back once ingest is quiet (store/idleGc.ts). */
  get idleGcEnabled(): boolean {
    return this.idleGc.enabled;
  }

  /** Longest event-loop delay seen since start (ms); the replay at start is not counted. */
  get maxEventLoopDelayMs(): number {
    return this.loopDelay.count === 0 ? 0 : this.loopDelay.max / 1e6;
  }

  get queuedBytes(): number {
    return this.journal.queuedBytes;
  }

  get journalBytes(): number {
    return this.journal.diskBytes;
  }

  /** Deletes all data: journal, assembler, store. */
  async clearData(): Promise<void> {
    await this.journal.clear();
    this.assembler.clear();
    this.store.clear();
  }

  /** Flushes everything (queued batches, quiet traces, a last checkpoint) and closes the store. */
  async close(): Promise<void> {
    if (this.closing) {
      return;
    }
    this.closing = true;
    for (const t of this.timers) {
      clearInterval(t);
    }
    this.loopDelay.disable();
    await this.journal.flush();
    // Let the acknowledged batches' continuations apply before the last checkpoint.
    await new Promise((r) => setImmediate(r));
    this.assembler.flushAll();
    this.dirty = true;
    this.checkpoint(true);
    await this.journal.close();
    this.store.close();
  }
}
