/**
 * Gives the memory that a burst of ingest grew back to the developer's machine once ingest is quiet.
 *
 * Under load V8 grows its heap to several times what is live, and keeps it. On V8 12 and later (Node 22,
 * the Electron of VS Code) a plain full GC frees the objects but V8 holds on to most of the pages; the
 * collection run there is V8's memory-reducing one (`flavor: 'last-resort'`: compacting, releasing pooled
 * pages), which hands them to the OS. V8 11 (Node 20) ignores those options (measured: no collection at
 * all); there two plain full GCs in a row do the same (the second compacts the pages the first left
 * sparse). RSS 3 s after 10,000,000 spans (docs/performance.md): 321 → 203 MB on node:sqlite (Node 22),
 * 361 → 250 MB on the WebAssembly store (Node 22), 309 → 201 MB on it under Node 20.
 *
 * It runs once ingest has been quiet for `quietMs`, only if spans came since the last one, and only if
 * the heap (with the buffers outside it) grew by `minGrowthBytes` since then, so that sparse traffic (a
 * request every few seconds) does not pay for a full collection each time.
 */
import type { Logger } from '../logger';

/** What `--expose-gc` puts on `globalThis`. */
type GcFunction = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

const MEMORY_REDUCING = { type: 'major', execution: 'sync', flavor: 'last-resort' } as const;

export interface Footprint {
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
}

export class IdleGc {
  /** `lastIngestAt` of the ingest the last collection followed. */
  private afterIngestAt = 0;
  /** Heap reserved plus external bytes right after the last collection (or at start). */
  private baseline: number;

  constructor(
    private readonly quietMs: number,
    private readonly minGrowthBytes: number,
    private readonly log: Logger,
    private readonly gc: (() => void) | undefined = IdleGc.exposed(),
    private readonly footprint: () => Footprint = () => process.memoryUsage(),
  ) {
    this.baseline = this.size(this.footprint());
  }

  /** The memory-reducing full GC of this V8, if the engine runs with `--expose-gc`. */
  static exposed(gc: unknown = (globalThis as { gc?: unknown }).gc, v8Version = process.versions.v8): (() => void) | undefined {
    if (typeof gc !== 'function') {
      return undefined;
    }
    const collect = gc as GcFunction;
    if (Number.parseInt(v8Version, 10) >= 12) {
      return () => collect(MEMORY_REDUCING);
    }
    return () => {
      collect();
      collect();
    };
  }

  get enabled(): boolean {
    return this.gc !== undefined && this.quietMs > 0;
  }

  /** How often `tick` should run for the collection to follow the quiet time closely. */
  get tickMs(): number {
    return Math.max(100, Math.min(5000, this.quietMs / 2));
  }

  /** Collects if ingest (last at `lastIngestAt`) has been quiet long enough and the heap grew. */
  tick(lastIngestAt: number, now: number): boolean {
    if (!this.gc || lastIngestAt <= this.afterIngestAt || now - lastIngestAt < this.quietMs) {
      return false;
    }
    this.afterIngestAt = lastIngestAt;
    const before = this.footprint();
    if (this.size(before) - this.baseline < this.minGrowthBytes) {
      return false;
    }
    const t0 = performance.now();
    this.gc();
    const ms = performance.now() - t0;
    const after = this.footprint();
    this.baseline = this.size(after);
    const mb = (n: number): string => (n / 2 ** 20).toFixed(0);
    this.log.info(
      `ingest quiet: full GC in ${ms.toFixed(0)} ms, heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB, ` +
        `reserved ${mb(before.heapTotal)} → ${mb(after.heapTotal)} MB, RSS ${mb(before.rss)} → ${mb(after.rss)} MB`,
    );
    return true;
  }

  private size(f: Footprint): number {
    return f.heapTotal + f.external;
  }
}
