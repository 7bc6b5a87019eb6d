/**
 * Facts of a trace as saved in the insights state file, back to `TraceFacts`: the compact form
 * (`TraceFacts.toJSON`: the two arrays) and the plain objects saved by versions before it (a user
 * upgrading keeps the insights of the traces seen so far). Anything that does not fit is left out
 * (undefined), never trusted: a damaged state file loses those traces, not the engine.
 */
import type { ExceptionFact, RepeatFact } from './traceFactTypes';
import { BREAKDOWN_KINDS } from './traceFactTypes';
import { HEADER, SEG_NUMBERS, SEG_STRINGS, sections, TraceFacts } from './factStore';
import { FactsWriter } from './factsWriter';
import { intern } from './intern';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number';
const isStr = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

class Invalid extends Error {}

function need<T>(v: unknown, ok: (v: unknown) => v is T): T {
  if (!ok(v)) {
    throw new Invalid();
  }
  return v;
}

function list(v: unknown): unknown[] {
  return need(v, Array.isArray);
}

/** The facts of one saved trace (either form), or undefined when it is not valid. */
export function loadTraceFacts(saved: unknown): TraceFacts | undefined {
  if (!isObj(saved) || !isStr(saved.traceId) || !isStr(saved.runId)) {
    return undefined;
  }
  try {
    return Array.isArray(saved.strings) && Array.isArray(saved.numbers) ? loadCompact(saved) : loadPlain(saved);
  } catch (e) {
    if (e instanceof Invalid) {
      return undefined;
    }
    throw e;
  }
}

function exceptionOf(v: unknown, traceId: string): ExceptionFact {
  const e = need(v, isObj);
  return {
    type: intern(need(e.type, isStr)),
    message: need(e.message, isStr),
    escaped: e.escaped === true,
    frames: list(e.frames) as ExceptionFact['frames'],
    timeUs: need(e.timeUs, isNum),
    keys: list(e.keys).map((k) => intern(need(k, isStr))),
    traceId,
    unhandled: e.unhandled === true,
  };
}

function loadCompact(saved: Obj): TraceFacts {
  const traceId = saved.traceId as string;
  const strings = list(saved.strings).map((s) => need(s, isStr));
  const numbers = list(saved.numbers).map((n) => need(n, isNum));
  const segs = checkLayout(strings, numbers);
  // Code objects, statements and flows are shared with every other trace again; producer refs are the trace's own.
  const own = new Set<number>(segs.map((seg) => seg.so + 2));
  const { prodS } = sections(numbers);
  for (let i = 0; i < numbers[4]; i++) {
    own.add(prodS + 2 * i);
  }
  const exceptions = list(saved.exceptions ?? []).map((e) => exceptionOf(e, traceId));
  return new TraceFacts(
    traceId,
    intern(saved.runId as string),
    strings.map((s, i) => (own.has(i) ? s : intern(s))),
    numbers,
    exceptions.length > 0 ? exceptions : undefined,
  );
}

/**
 * Where each segment starts, walking from the first, and where the last one ends; throws when the
 * counts do not fit the arrays.
 */
function segmentStarts(n: readonly number[], segS: number, segN: number): { starts: { so: number; no: number }[]; so: number; no: number } {
  const starts: { so: number; no: number }[] = [];
  let so = segS;
  let no = segN;
  for (let i = 0; i < n[5]; i++) {
    starts.push({ so, no });
    const c = no + SEG_NUMBERS - 4;
    if (c + 4 > n.length || ![0, 1, 2, 3].every((k) => isCount(n[c + k]))) {
      throw new Invalid();
    }
    const pairs = n[c] + n[c + 1] + n[c + 2];
    so += SEG_STRINGS + pairs + 4 * n[c + 3];
    no += SEG_NUMBERS + pairs + 2 * n[c + 3];
  }
  return { starts, so, no };
}

/** Throws unless the counts of the header and of every segment account for the two arrays exactly. */
function checkLayout(s: readonly string[], n: readonly number[]): { so: number; no: number }[] {
  if (n.length < HEADER || ![0, 1, 2, 3, 4, 5].every((i) => isCount(n[i]))) {
    throw new Invalid();
  }
  const sec = sections(n);
  if (sec.segS > s.length || sec.segN > n.length) {
    throw new Invalid();
  }
  const segs = segmentStarts(n, sec.segS, sec.segN);
  if (segs.so !== s.length || segs.no !== n.length) {
    throw new Invalid();
  }
  for (let i = 0; i < n[1]; i++) {
    const flags = n[sec.execN + 2 * i + 1];
    if (!isCount(flags) || flags >= 2 ** 31 || flags >>> 1 > n[5]) {
      throw new Invalid();
    }
  }
  return segs.starts;
}

/** Facts saved as plain objects (before the compact form). */
function loadPlain(saved: Obj): TraceFacts {
  const traceId = saved.traceId as string;
  const out = new FactsWriter();
  for (const v of list(saved.segments)) {
    const seg = need(v, isObj);
    const entries = (o: unknown): [string, number][] => Object.entries(need(o ?? {}, isObj)).map(([k, us]) => [intern(k), need(us, isNum)]);
    const byKind = need(seg.byKind, isObj);
    out.segment({
      endpoint: intern(need(seg.endpoint, isStr)),
      service: intern(need(seg.service, isStr)),
      producerRef: seg.producerRef === undefined ? undefined : need(seg.producerRef, isStr),
      startUs: need(seg.startUs, isNum),
      durUs: need(seg.durUs, isNum),
      error: seg.error === true,
      dbCount: need(seg.dbCount, isNum),
      kindUs: BREAKDOWN_KINDS.map((k) => need(byKind[k], isNum)),
      cover: entries(seg.coverUs),
      inner: entries(seg.innerUs),
      children: entries(seg.byChild),
      repeats: list(seg.repeats).map((r): RepeatFact => {
        const o = need(r, isObj);
        return {
          kind: o.kind === 'http' ? 'http' : 'db',
          spanKey: intern(need(o.spanKey, isStr)),
          parentKey: intern(need(o.parentKey, isStr)),
          target: intern(need(o.target, isStr)),
          repeats: need(o.repeats, isNum),
          timeUs: need(o.timeUs, isNum),
        };
      }),
    });
  }
  for (const v of list(saved.executions)) {
    const e = need(v, isObj);
    out.execution(intern(need(e.key, isStr)), need(e.startUs, isNum), need(e.durUs, isNum), e.error === true, e.segment === undefined ? undefined : need(e.segment, isCount));
  }
  for (const v of list(saved.statements ?? [])) {
    const st = need(v, isObj);
    out.statement(intern(need(st.group, isStr)), intern(need(st.statement, isStr)), intern(need(st.spanKey, isStr)), need(st.durUs, isNum));
  }
  for (const v of list(saved.flows ?? [])) {
    const [key, flow] = list(v);
    out.flow(intern(need(key, isStr)), intern(need(flow, isStr)));
  }
  for (const v of list(saved.exceptions ?? [])) {
    out.exception(exceptionOf(v, traceId));
  }
  for (const v of list(saved.producers ?? [])) {
    const p = need(v, isObj);
    out.producer(need(p.ref, isStr), need(p.startUs, isNum), need(p.endUs, isNum), intern(need(p.key, isStr)));
  }
  return out.finish(traceId, intern(saved.runId as string), need(saved.startUs, isNum), need(saved.endUs, isNum), need(saved.spanCount, isNum));
}
