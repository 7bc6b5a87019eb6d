/** Writes the facts of one trace in the layout of factStore.ts. */
import type { ExceptionFact, SegmentInput } from './traceFactTypes';
import { TraceFacts } from './factStore';

/** Collects the facts of one trace part by part, then lays them out in the two arrays. */
export class FactsWriter {
  private readonly execKeys: string[] = [];
  private readonly execTimes: number[] = [];
  private readonly execNums: number[] = [];
  private readonly stmtStrs: string[] = [];
  private readonly stmtNums: number[] = [];
  private readonly flowStrs: string[] = [];
  private readonly prodStrs: string[] = [];
  private readonly prodTimes: number[] = [];
  private readonly segStrs: string[] = [];
  private readonly segTimes: number[] = [];
  private readonly segNums: number[] = [];
  private readonly exceptions: ExceptionFact[] = [];

  execution(key: string, startUs: number, durUs: number, error: boolean, segment?: number): void {
    this.execKeys.push(key);
    this.execTimes.push(startUs);
    this.execNums.push(durUs, (error ? 1 : 0) + (segment === undefined ? 0 : 2 * (segment + 1)));
  }

  statement(group: string, statement: string, spanKey: string, durUs: number): void {
    this.stmtStrs.push(group, statement, spanKey);
    this.stmtNums.push(durUs);
  }

  flow(key: string, flow: string): void {
    this.flowStrs.push(key, flow);
  }

  producer(ref: string, startUs: number, endUs: number, key: string): void {
    this.prodStrs.push(ref, key);
    this.prodTimes.push(startUs, endUs);
  }

  exception(ex: ExceptionFact): void {
    this.exceptions.push(ex);
  }

  /** Adds a segment; returns its index. */
  segment(seg: SegmentInput): number {
    const strs = this.segStrs;
    const nums = this.segNums;
    strs.push(seg.endpoint, seg.service, seg.producerRef ?? '');
    this.segTimes.push(seg.startUs);
    nums.push(seg.durUs, seg.error ? 1 : 0, seg.dbCount, ...seg.kindUs);
    const counts = nums.length;
    nums.push(0, 0, 0, seg.repeats.length);
    [seg.cover, seg.inner, seg.children].forEach((list, k) => {
      for (const [key, us] of list) {
        strs.push(key);
        nums.push(us);
        nums[counts + k]++;
      }
    });
    for (const r of seg.repeats) {
      strs.push(r.kind, r.spanKey, r.parentKey, r.target);
      nums.push(r.repeats, r.timeUs);
    }
    return this.segTimes.length - 1;
  }

  finish(traceId: string, runId: string, startUs: number, endUs: number, spanCount: number): TraceFacts {
    const header = [spanCount, this.execKeys.length, this.stmtNums.length, this.flowStrs.length / 2, this.prodTimes.length / 2, this.segTimes.length];
    // concat allocates exactly what it needs: no spare capacity kept per trace.
    return new TraceFacts(
      traceId,
      runId,
      this.execKeys.concat(this.stmtStrs, this.flowStrs, this.prodStrs, this.segStrs),
      header.concat([startUs, endUs], this.execTimes, this.prodTimes, this.segTimes, this.execNums, this.stmtNums, this.segNums),
      this.exceptions.length > 0 ? this.exceptions.slice() : undefined,
    );
  }
}
