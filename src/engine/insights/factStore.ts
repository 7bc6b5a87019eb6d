/**
 * The kept facts of one trace in two flat arrays: its strings (interned code-object keys,
 * statements, flows: pointers to shared copies) and its numbers (unboxed doubles), about 1.2 KB per
 * trace where objects per execution and per segment took several. The analyzers read them through
 * views made for one evaluation (`executions()`, `segments()`, …); the same arrays are the saved
 * form (see savedFacts.ts).
 *
 * Layout. numbers: the header [spanCount, executions, statements, flows, producers, segments], the
 * times [trace start, trace end, per execution its start, per producer its start and end, per
 * segment its start] (µs), per execution [durUs, flags] (flags: bit 0 error, the rest segment + 1),
 * per statement [durUs], then the segments. strings: per execution its key, per statement [group,
 * statement, spanKey], per flow [key, flow], per producer [ref, key], then the segments. A segment
 * is strings [endpoint, service, producerRef or '', cover keys…, inner keys…, child keys…, per
 * repeat kind, spanKey, parentKey, target] and numbers [durUs, error, dbCount, time by each of
 * BREAKDOWN_KINDS, #cover, #inner, #child, #repeats, cover µs…, inner µs…, child µs…, per repeat
 * repeats, timeUs].
 */
import type { BreakdownKind, Execution, ExceptionFact, ProducerFact, RepeatFact, SegmentFacts, StatementFact } from './traceFactTypes';
import { BREAKDOWN_KINDS } from './traceFactTypes';

export const HEADER = 6;
export const SEG_STRINGS = 3;
export const SEG_NUMBERS = 3 + BREAKDOWN_KINDS.length + 4;
/** Where a segment's counts are among its numbers. */
const SEG_COUNTS = SEG_NUMBERS - 4;
const NO_EXCEPTIONS: readonly ExceptionFact[] = Object.freeze([]);
const NO_REPEATS: readonly RepeatFact[] = Object.freeze([]);

/** Where each part starts in the two arrays (…S: strings, …N: numbers, …T: numbers, the times). */
export interface Sections {
  stmtS: number;
  flowS: number;
  prodS: number;
  segS: number;
  execN: number;
  stmtN: number;
  segN: number;
  prodT: number;
  segT: number;
}

/** Where the times start among the numbers. */
const TIMES = HEADER;

/** Where the numbers of the executions start: after the times. */
function execNumbersAt(n: readonly number[]): number {
  return TIMES + 2 + n[1] + 2 * n[4] + n[5];
}

/** Where the flows start among the strings. */
const flowStrings = (n: readonly number[]): number => n[1] + 3 * n[2];
/** Where the producers start among the strings. */
const prodStrings = (n: readonly number[]): number => flowStrings(n) + 2 * n[3];
/** Where the statements start among the numbers. */
const stmtNumbers = (n: readonly number[]): number => execNumbersAt(n) + 2 * n[1];

export function sections(n: readonly number[]): Sections {
  const prodS = prodStrings(n);
  const stmtN = stmtNumbers(n);
  const prodT = TIMES + 2 + n[1];
  return { stmtS: n[1], flowS: flowStrings(n), prodS, segS: prodS + 2 * n[4], execN: execNumbersAt(n), stmtN, segN: stmtN + n[2], prodT, segT: prodT + 2 * n[4] };
}

export class TraceFacts {
  constructor(
    readonly traceId: string,
    readonly runId: string,
    /** See the layout above; never changed once made. */
    readonly strings: readonly string[],
    readonly numbers: readonly number[],
    readonly exceptions: readonly ExceptionFact[] = NO_EXCEPTIONS,
  ) {}

  get startUs(): number {
    return this.numbers[TIMES];
  }

  get endUs(): number {
    return this.numbers[TIMES + 1];
  }

  get spanCount(): number {
    return this.numbers[0];
  }

  get executionCount(): number {
    return this.numbers[1];
  }

  executionKey(i: number): string {
    return this.strings[i];
  }

  private get execN(): number {
    return execNumbersAt(this.numbers);
  }

  executionStartUs(i: number): number {
    return this.numbers[TIMES + 2 + i];
  }

  executionDurUs(i: number): number {
    return this.numbers[this.execN + 2 * i];
  }

  executionError(i: number): boolean {
    return (this.numbers[this.execN + 2 * i + 1] & 1) === 1;
  }

  executionSegment(i: number): number | undefined {
    const s = this.numbers[this.execN + 2 * i + 1] >>> 1;
    return s === 0 ? undefined : s - 1;
  }

  /** Executions per code object: each span's, its endpoint's (segment roots), its function's. */
  executions(): Execution[] {
    const out = new Array<Execution>(this.executionCount);
    for (let i = 0; i < out.length; i++) {
      out[i] = new ExecutionView(this, i);
    }
    return out;
  }

  segments(): SegmentFacts[] {
    const n = this.numbers;
    const out: SegmentFacts[] = [];
    let so = prodStrings(n) + 2 * n[4];
    let no = stmtNumbers(n) + n[2];
    const segT = TIMES + 2 + n[1] + 2 * n[4];
    for (let i = 0; i < n[5]; i++) {
      const seg = new SegmentView(this, so, no, segT + i);
      out.push(seg);
      so += seg.stringCount;
      no += seg.numberCount;
    }
    return out;
  }

  statements(): StatementFact[] {
    const stmtS = this.numbers[1];
    const stmtN = stmtNumbers(this.numbers);
    const out: StatementFact[] = [];
    for (let i = 0; i < this.numbers[2]; i++) {
      const s = stmtS + 3 * i;
      out.push({ group: this.strings[s], statement: this.strings[s + 1], spanKey: this.strings[s + 2], traceId: this.traceId, durUs: this.numbers[stmtN + i] });
    }
    return out;
  }

  /** Calls `fn` with each distinct (span code object, caller flow) pair. */
  forEachFlow(fn: (key: string, flow: string) => void): void {
    const flowS = flowStrings(this.numbers);
    for (let i = 0; i < this.numbers[3]; i++) {
      fn(this.strings[flowS + 2 * i], this.strings[flowS + 2 * i + 1]);
    }
  }

  producers(): ProducerFact[] {
    const prodS = prodStrings(this.numbers);
    const prodT = TIMES + 2 + this.numbers[1];
    const out: ProducerFact[] = [];
    for (let i = 0; i < this.numbers[4]; i++) {
      out.push({ ref: this.strings[prodS + 2 * i], key: this.strings[prodS + 2 * i + 1], startUs: this.numbers[prodT + 2 * i], endUs: this.numbers[prodT + 2 * i + 1] });
    }
    return out;
  }

  /** The saved form (JSON.stringify calls this): the arrays as they are. */
  toJSON(): SavedTraceFacts {
    return { traceId: this.traceId, runId: this.runId, strings: this.strings, numbers: this.numbers, exceptions: this.exceptions };
  }
}

export interface SavedTraceFacts {
  traceId: string;
  runId: string;
  strings: readonly string[];
  numbers: readonly number[];
  exceptions: readonly ExceptionFact[];
}

class ExecutionView implements Execution {
  constructor(
    private readonly f: TraceFacts,
    private readonly i: number,
  ) {}

  get key(): string {
    return this.f.executionKey(this.i);
  }

  get traceId(): string {
    return this.f.traceId;
  }

  get runId(): string {
    return this.f.runId;
  }

  get startUs(): number {
    return this.f.executionStartUs(this.i);
  }

  get durUs(): number {
    return this.f.executionDurUs(this.i);
  }

  get error(): boolean {
    return this.f.executionError(this.i);
  }

  get segment(): number | undefined {
    return this.f.executionSegment(this.i);
  }
}

class SegmentView implements SegmentFacts {
  constructor(
    private readonly f: TraceFacts,
    /** Where the segment's strings and numbers start, where its start time is. */
    private readonly so: number,
    private readonly no: number,
    private readonly to: number,
  ) {}

  private count(k: number): number {
    return this.f.numbers[this.no + SEG_COUNTS + k];
  }

  get stringCount(): number {
    return SEG_STRINGS + this.count(0) + this.count(1) + this.count(2) + 4 * this.count(3);
  }

  get numberCount(): number {
    return SEG_NUMBERS + this.count(0) + this.count(1) + this.count(2) + 2 * this.count(3);
  }

  get endpoint(): string {
    return this.f.strings[this.so];
  }

  get service(): string {
    return this.f.strings[this.so + 1];
  }

  get producerRef(): string | undefined {
    return this.f.strings[this.so + 2] || undefined;
  }

  get traceId(): string {
    return this.f.traceId;
  }

  get runId(): string {
    return this.f.runId;
  }

  get startUs(): number {
    return this.f.numbers[this.to];
  }

  get durUs(): number {
    return this.f.numbers[this.no];
  }

  get error(): boolean {
    return this.f.numbers[this.no + 1] === 1;
  }

  get dbCount(): number {
    return this.f.numbers[this.no + 2];
  }

  kindUs(kind: BreakdownKind): number {
    return this.f.numbers[this.no + 3 + BREAKDOWN_KINDS.indexOf(kind)];
  }

  /** Value of `key` in the k-th key/value list (0 cover, 1 inner, 2 children). */
  private lookup(k: number, key: string): number | undefined {
    let s = this.so + SEG_STRINGS;
    let n = this.no + SEG_NUMBERS;
    for (let j = 0; j < k; j++) {
      s += this.count(j);
      n += this.count(j);
    }
    for (let j = 0; j < this.count(k); j++) {
      if (this.f.strings[s + j] === key) {
        return this.f.numbers[n + j];
      }
    }
    return undefined;
  }

  private entries(k: number): [string, number][] {
    let s = this.so + SEG_STRINGS;
    let n = this.no + SEG_NUMBERS;
    for (let j = 0; j < k; j++) {
      s += this.count(j);
      n += this.count(j);
    }
    const out: [string, number][] = [];
    for (let j = 0; j < this.count(k); j++) {
      out.push([this.f.strings[s + j], this.f.numbers[n + j]]);
    }
    return out;
  }

  coverUs(key: string): number | undefined {
    return this.lookup(0, key);
  }

  coverKeys(): string[] {
    return this.f.strings.slice(this.so + SEG_STRINGS, this.so + SEG_STRINGS + this.count(0));
  }

  childKeys(): string[] {
    const at = this.so + SEG_STRINGS + this.count(0) + this.count(1);
    return this.f.strings.slice(at, at + this.count(2));
  }

  innerUs(key: string): number | undefined {
    return this.lookup(1, key);
  }

  byChild(): [string, number][] {
    return this.entries(2);
  }

  childUs(key: string): number | undefined {
    return this.lookup(2, key);
  }

  get repeats(): readonly RepeatFact[] {
    if (this.count(3) === 0) {
      return NO_REPEATS;
    }
    const lists = this.count(0) + this.count(1) + this.count(2);
    const s = this.so + SEG_STRINGS + lists;
    const n = this.no + SEG_NUMBERS + lists;
    const out: RepeatFact[] = [];
    for (let j = 0; j < this.count(3); j++) {
      const str = this.f.strings;
      out.push({
        kind: str[s + 4 * j] as RepeatFact['kind'],
        spanKey: str[s + 4 * j + 1],
        parentKey: str[s + 4 * j + 2],
        target: str[s + 4 * j + 3],
        repeats: this.f.numbers[n + 2 * j],
        timeUs: this.f.numbers[n + 2 * j + 1],
      });
    }
    return out;
  }
}
