/**
 * State of checkpoint participants (the insights engine's): saved as one JSON file per participant
 * in the storage folder (`state-<name>.json`, replaced atomically), restored on start. Kept out of
 * SQLite on purpose: the state is large (the facts of thousands of traces) and binding it as a
 * value cost more CPU than the rest of a checkpoint, and grew the WebAssembly SQLite's heap for
 * good. Older stores kept it in the `kv` table; that row is still read when no file exists.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomicFile';
import type { Logger } from '../logger';
import type { SqlDb } from './sqlite';

/** Something whose state is saved with the checkpoints and restored on start (e.g. the insights). */
export interface CheckpointParticipant {
  readonly name: string;
  snapshot(): unknown;
  restore(data: unknown): void;
}

export class Participants {
  private readonly list: CheckpointParticipant[] = [];
  private savedAt = 0;
  private saving = false;
  /** Bumped by every synchronous save or clear: a background save that started before is dropped. */
  private generation = 0;

  constructor(
    private readonly storage: string,
    private readonly db: SqlDb,
    private readonly log: Logger,
  ) {}

  private file(p: CheckpointParticipant): string {
    return join(this.storage, `state-${p.name.replace(/[^\w.-]/g, '_')}.json`);
  }

  add(p: CheckpointParticipant): void {
    this.list.push(p);
    let text: string | undefined;
    try {
      const file = this.file(p);
      if (existsSync(file)) {
        text = readFileSync(file, 'utf8');
      } else {
        const row = this.db.stmt('SELECT v FROM kv WHERE k = ?').get(`participant:${p.name}`);
        text = row ? String(row.v) : undefined;
      }
      if (text !== undefined) {
        p.restore(JSON.parse(text));
      }
    } catch (e) {
      this.log.warn(`could not restore ${p.name} state: ${(e as Error).message}`);
    }
  }

  /**
   * Saves every participant when `force` (shutdown: synchronously) or when the last save is older
   * than `everyMs` (in the background: serialized in slices of a few milliseconds, so a large state
   * never holds the event loop; written to a temporary file and renamed when complete).
   */
  save(now: number, everyMs: number, force: boolean): void {
    if (this.list.length === 0) {
      return;
    }
    if (force) {
      this.generation++;
      for (const p of this.list) {
        try {
          writeFileAtomic(this.file(p), JSON.stringify(p.snapshot()));
        } catch (e) {
          this.log.warn(`could not save ${p.name} state: ${(e as Error).message}`);
        }
      }
      this.savedAt = now;
      return;
    }
    if (this.saving || now - this.savedAt < everyMs) {
      return;
    }
    this.savedAt = now;
    this.saving = true;
    const generation = this.generation;
    void (async () => {
      for (const p of this.list) {
        try {
          const chunks = await jsonInSlices(p.snapshot());
          if (generation !== this.generation) {
            return; // a newer state was written meanwhile (shutdown, clear)
          }
          await writeChunksAtomic(this.file(p), chunks, () => generation === this.generation);
        } catch (e) {
          this.log.warn(`could not save ${p.name} state: ${(e as Error).message}`);
        }
      }
    })().finally(() => {
      this.saving = false;
    });
  }

  /** Deletes the saved states (all data deleted). */
  clear(): void {
    this.generation++;
    for (const p of this.list) {
      rmSync(this.file(p), { force: true });
    }
  }
}

const SLICE_MS = 8;

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * JSON of a value as chunks, made a few milliseconds at a time: the arrays directly under the
 * top-level object are serialized element by element (each element whole, so it is consistent).
 */
async function jsonInSlices(value: unknown): Promise<string[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [JSON.stringify(value)];
  }
  const chunks: string[] = ['{'];
  let deadline = performance.now() + SLICE_MS;
  let first = true;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) {
      continue;
    }
    chunks.push(`${first ? '' : ','}${JSON.stringify(k)}:`);
    first = false;
    if (!Array.isArray(v)) {
      chunks.push(JSON.stringify(v));
      continue;
    }
    chunks.push('[');
    for (let i = 0; i < v.length; i++) {
      chunks.push((i === 0 ? '' : ',') + (JSON.stringify(v[i]) ?? 'null'));
      if ((i & 31) === 31 && performance.now() > deadline) {
        await yieldToLoop();
        deadline = performance.now() + SLICE_MS;
      }
    }
    chunks.push(']');
  }
  chunks.push('}');
  return chunks;
}

/**
 * Writes chunks to a temporary file without blocking, flushes it to disk and renames it over
 * `file` — unless `current()` says a newer state was written meanwhile.
 */
async function writeChunksAtomic(file: string, chunks: string[], current: () => boolean): Promise<void> {
  const tmp = `${file}.${process.pid}.bg.tmp`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    const batch: string[] = [];
    let bytes = 0;
    for (const c of chunks) {
      batch.push(c);
      bytes += c.length;
      if (bytes >= 1 << 20) {
        await fh.write(batch.join(''));
        batch.length = 0;
        bytes = 0;
      }
    }
    await fh.write(batch.join(''));
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (current()) {
    await rename(tmp, file);
  } else {
    await rm(tmp, { force: true });
  }
}
