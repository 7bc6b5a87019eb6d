/**
 * The ingest journal: an append-only log of accepted batches, written with group commit (all
 * batches that arrive while one write+fdatasync is in flight share the next one). A batch is
 * acknowledged only after its record is on disk, so it survives kill -9. The store checkpoints the
 * aggregates into SQLite and the journal keeps records past the checkpoint (for replay) and for the
 * trace assembler's late window; older segments are deleted.
 *
 * Frame: u32 payload length · u32 crc32(seq ‖ payload) · f64 seq · payload (little endian).
 */
import type { FileHandle } from 'node:fs/promises';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from '../logger';
import { OverloadedError } from '../model';

const HEADER = 16;
const SEGMENT_RE = /^seg-(\d{16})\.log$/;

export interface JournalOptions {
  /** Start a new segment past this size. */
  segmentBytes: number;
  /** … or past this age. */
  segmentMaxAgeMs: number;
  /** Bytes queued (not yet durable) before `append` throws OverloadedError. */
  maxQueueBytes: number;
}

export interface JournalRecord {
  seq: number;
  payload: Buffer;
}

interface Segment {
  path: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
  openedAt: number;
  closedAt?: number;
}

interface Pending {
  /** Frame header then the payload's parts, written as they are (no copy into one buffer). */
  frame: Uint8Array[];
  bytes: number;
  seq: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * The frame of a payload given in parts: its header, then the parts themselves. A payload is
 * mostly the request's own bytes (hundreds of KB); they are checksummed and written where they are
 * rather than copied into one frame buffer.
 */
function frameOf(seq: number, payload: readonly Uint8Array[], length: number): Uint8Array[] {
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt32LE(length, 0);
  header.writeDoubleLE(seq, 8);
  let crc = crc32(header.subarray(8));
  for (const part of payload) {
    crc = crc32(part, crc);
  }
  header.writeUInt32LE(crc, 4);
  return [header, ...payload];
}

/** Size of the frame starting at `pos` when it is complete and its checksum holds, else -1. */
function frameSize(buf: Buffer, pos: number): number {
  if (pos + HEADER > buf.length) {
    return -1;
  }
  const len = buf.readUInt32LE(pos);
  if (pos + HEADER + len > buf.length || crc32(buf.subarray(pos + 8, pos + HEADER + len)) !== buf.readUInt32LE(pos + 4)) {
    return -1;
  }
  return HEADER + len;
}

/**
 * The next offset from `from` where a good frame starts, or -1. Its sequence number must follow
 * `afterSeq` by no more than the records that could have fitted in the skipped bytes, so stray
 * bytes inside a damaged record are not taken for a frame.
 */
function resync(buf: Buffer, from: number, afterSeq: number): number {
  for (let q = from; q + HEADER <= buf.length; q++) {
    const seq = buf.readDoubleLE(q + 8);
    if (Number.isInteger(seq) && seq > afterSeq && seq <= afterSeq + 2 + (q - from) / HEADER && frameSize(buf, q) > 0) {
      return q;
    }
  }
  return -1;
}

export class Journal {
  private readonly dir: string;
  private segments: Segment[] = [];
  private active: { seg: Segment; fh: FileHandle } | undefined;
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private inflightBytes = 0;
  private flushing: Promise<void> | undefined;
  private nextSeq = 1;
  private closed = false;

  constructor(
    storage: string,
    private readonly opts: JournalOptions,
    private readonly log: Logger,
  ) {
    this.dir = join(storage, 'journal');
    mkdirSync(this.dir, { recursive: true });
  }

  /** Bytes waiting to become durable. */
  get queuedBytes(): number {
    return this.pendingBytes + this.inflightBytes;
  }

  get diskBytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  /**
   * Reads every record on disk in order (a torn record at the end of the last segment — a write cut
   * by a crash — is cut off). Call once, before the first append; `minNextSeq` is one past the
   * newest sequence number the store knows.
   */
  *replay(minNextSeq: number): Generator<JournalRecord> {
    const files = readdirSync(this.dir)
      .filter((f) => SEGMENT_RE.test(f))
      .sort();
    let maxSeq = minNextSeq - 1;
    let lastSeq = 0;
    for (let i = 0; i < files.length; i++) {
      const path = join(this.dir, files[i]);
      const buf = readFileSync(path);
      let pos = 0;
      let first = -1;
      while (pos + HEADER <= buf.length) {
        const size = frameSize(buf, pos);
        if (size < 0) {
          // A record that does not check out: skip it, not the good records behind it.
          const next = resync(buf, pos + 1, lastSeq);
          if (next < 0) {
            break;
          }
          this.log.warn(`journal ${files[i]}: ${next - pos} damaged bytes at offset ${pos} skipped; the records after them are kept`);
          pos = next;
          continue;
        }
        const seq = buf.readDoubleLE(pos + 8);
        if (first < 0) {
          first = seq;
        }
        lastSeq = seq;
        maxSeq = Math.max(maxSeq, seq);
        yield { seq, payload: buf.subarray(pos + HEADER, pos + size) };
        pos += size;
      }
      if (first < 0 && buf.length > 0) {
        const aside = `${path}.damaged-${Date.now()}`;
        renameSync(path, aside);
        this.log.warn(`journal ${files[i]}: no readable record in ${buf.length} bytes; moved to ${aside}`);
        continue;
      }
      if (pos < buf.length) {
        this.log.warn(`journal ${files[i]}: ${buf.length - pos} bytes after offset ${pos} are incomplete (cut by a crash); dropped`);
        truncateSync(path, pos);
      }
      if (first < 0) {
        rmSync(path, { force: true });
        continue;
      }
      const now = Date.now();
      this.segments.push({ path, firstSeq: first, lastSeq, bytes: pos, openedAt: statSync(path).mtimeMs, closedAt: now });
    }
    this.nextSeq = maxSeq + 1;
  }

  /**
   * Queues a record; the returned promise resolves once it is durable. Throws OverloadedError when
   * more than `maxQueueBytes` are waiting.
   */
  append(payload: readonly Uint8Array[]): { seq: number; durable: Promise<void> } {
    if (this.closed) {
      throw new Error('journal is closed');
    }
    const length = payload.reduce((n, p) => n + p.length, 0);
    if (this.queuedBytes + length > this.opts.maxQueueBytes && this.queuedBytes > 0) {
      throw new OverloadedError(1);
    }
    const seq = this.nextSeq++;
    const frame = frameOf(seq, payload, length);
    const bytes = HEADER + length;
    const durable = new Promise<void>((resolve, reject) => {
      this.pending.push({ frame, bytes, seq, resolve, reject });
    });
    this.pendingBytes += bytes;
    this.flushing ??= new Promise<void>((r) => setImmediate(r)).then(() => this.flushLoop());
    return { seq, durable };
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        const bytes = group.reduce((n, p) => n + p.bytes, 0);
        this.pendingBytes -= bytes;
        this.inflightBytes += bytes;
        try {
          const a = await this.activeFor(group[0].seq);
          // libuv writes every buffer (it goes on after a short write, IOV_MAX at a time).
          await a.fh.writev(group.flatMap((p) => p.frame));
          await a.fh.datasync();
          a.seg.bytes += bytes;
          a.seg.lastSeq = group[group.length - 1].seq;
          for (const p of group) {
            p.resolve();
          }
        } catch (e) {
          this.log.error(`journal write failed: ${(e as Error).message}`);
          for (const p of group) {
            p.reject(e as Error);
          }
        } finally {
          this.inflightBytes -= bytes;
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async activeFor(firstSeq: number): Promise<{ seg: Segment; fh: FileHandle }> {
    const now = Date.now();
    const a = this.active;
    if (a && a.seg.bytes < this.opts.segmentBytes && now - a.seg.openedAt < this.opts.segmentMaxAgeMs) {
      return a;
    }
    if (a) {
      await a.fh.close();
      a.seg.closedAt = now;
      this.active = undefined;
    }
    const path = join(this.dir, `seg-${String(firstSeq).padStart(16, '0')}.log`);
    const fh = await open(path, 'a');
    // Make the new file's directory entry durable too.
    const dfd = openSync(this.dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
    const seg: Segment = { path, firstSeq, lastSeq: firstSeq - 1, bytes: 0, openedAt: now };
    this.segments.push(seg);
    this.active = { seg, fh };
    return this.active;
  }

  /**
   * Deletes closed segments whose records are all checkpointed (≤ `checkpointedSeq`) and that were
   * closed more than `keepMs` ago, or all such segments while the journal is over `maxBytes`.
   */
  prune(checkpointedSeq: number, keepMs: number, maxBytes: number): void {
    const now = Date.now();
    let total = this.diskBytes;
    this.segments = this.segments.filter((s) => {
      const closed = s.closedAt !== undefined;
      if (closed && s.lastSeq <= checkpointedSeq && (now - s.closedAt! >= keepMs || total > maxBytes)) {
        rmSync(s.path, { force: true });
        total -= s.bytes;
        return false;
      }
      return true;
    });
  }

  /** Waits for queued records to be durable. */
  async flush(): Promise<void> {
    while (this.flushing) {
      await this.flushing;
    }
  }

  /** Deletes every segment (after "clear data"); new appends start a fresh segment. */
  async clear(): Promise<void> {
    await this.flush();
    if (this.active) {
      await this.active.fh.close();
      this.active = undefined;
    }
    for (const s of this.segments) {
      rmSync(s.path, { force: true });
    }
    this.segments = [];
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.active) {
      await this.active.fh.close();
      this.active = undefined;
    }
  }
}
