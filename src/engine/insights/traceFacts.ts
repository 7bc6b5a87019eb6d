/**
 * Everything the pattern analyzers need from one assembled trace, derived once when the trace is
 * observed: per endpoint segment (repeats, DB count, time shares, breakdown, producer), executions
 * per code object, DB statement timings, caller flows, exceptions and producer spans. Pure: the same
 * spans in any order give the same facts, so re-observing a trace with a superset of spans replaces
 * its facts instead of adding to them.
 */
import { SpanKind, StatusCode } from '../../shared/semconv';
import { unionLength } from '../intervals';
import type { AssembledTrace, Span } from '../model';
import type { BreakdownKind, RepeatFact, SegmentInput } from './traceFactTypes';
import { BREAKDOWN_KINDS } from './traceFactTypes';
import type { TraceFacts } from './factStore';
import { FactsWriter } from './factsWriter';
import { intern } from './intern';
import {
  attr,
  dbStatement,
  dbSystem,
  endpointCodeObject,
  exceptionsOf,
  functionCodeObject,
  httpClientTarget,
  isSegmentRootKind,
  kindCategory,
  normalizeStatement,
  spanCodeObject,
} from './spanFacts';
import { ATTR_DB_NAME, ATTR_DB_NAMESPACE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_STATUS_CODE } from '../../shared/semconv';
import { pushTo } from '../../shared/collections';

/** Spans of one trace beyond this are ignored (a runaway trace must not blow memory). */
export const MAX_SPANS_PER_TRACE = 5000;

export type { BreakdownKind, Execution, ExceptionFact, ProducerFact, RepeatFact, SegmentFacts, StatementFact } from './traceFactTypes';
export { TraceFacts } from './factStore';

interface Node {
  span: Span;
  key: string;
  parent?: Node;
  children: Node[];
  segmentRoot?: Node;
}

function isError(span: Span): boolean {
  if (span.statusCode === StatusCode.ERROR) {
    return true;
  }
  const code = Number(attr(span, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_STATUS_CODE));
  return span.kind === SpanKind.SERVER && code >= 500;
}

function compareSpans(a: Span, b: Span): number {
  return a.startUs - b.startUs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
}

export function extractTraceFacts(trace: AssembledTrace): TraceFacts {
  // Deterministic order whatever order the spans arrived in; one span per id.
  const byId = new Map<string, Node>();
  for (const span of [...trace.spans].sort(compareSpans)) {
    if (byId.size >= MAX_SPANS_PER_TRACE) {
      break;
    }
    if (!byId.has(span.spanId)) {
      byId.set(span.spanId, { span, key: intern(spanCodeObject(span)), children: [] });
    }
  }
  const nodes = [...byId.values()];
  for (const n of nodes) {
    const p = n.span.parentSpanId ? byId.get(n.span.parentSpanId) : undefined;
    if (p && p !== n) {
      n.parent = p;
      p.children.push(n);
    }
  }
  const isRoot = (n: Node): boolean =>
    isSegmentRootKind(n.span) &&
    (!n.parent ||
      n.parent.span.resource.serviceName !== n.span.resource.serviceName ||
      n.parent.span.kind === SpanKind.CLIENT ||
      n.parent.span.kind === SpanKind.PRODUCER);
  const segRootOf = (n: Node): Node | undefined => {
    if (n.segmentRoot !== undefined) {
      return n.segmentRoot;
    }
    // Walk up without recursion (deep traces); guard against parent cycles in bad input.
    const path: Node[] = [];
    let cur: Node | undefined = n;
    let found: Node | undefined;
    const seen = new Set<Node>();
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      if (cur.segmentRoot !== undefined) {
        found = cur.segmentRoot;
        break;
      }
      path.push(cur);
      if (isRoot(cur)) {
        found = cur;
        break;
      }
      cur = cur.parent;
    }
    for (const p of path) {
      p.segmentRoot = found;
    }
    return found;
  };

  const out = new FactsWriter();
  const endpointOf = new Map<Node, string>();
  for (const n of nodes) {
    if (isRoot(n)) {
      endpointOf.set(n, intern(endpointCodeObject(n.span)));
    }
  }

  // Segments: every span belongs to the segment of its nearest segment root.
  const membersOf = new Map<Node, Node[]>();
  for (const n of nodes) {
    const r = segRootOf(n);
    if (r && r !== n) {
      pushTo(membersOf, r, n);
    }
  }
  const segIndex = new Map<Node, number>();
  for (const root of nodes) {
    const endpoint = endpointOf.get(root);
    if (endpoint) {
      segIndex.set(root, out.segment(segmentOf(trace, root, endpoint, membersOf.get(root) ?? [], (n) => segRootOf(n) === root)));
    }
  }

  // Per span: executions, statements, flows, exceptions, producers.
  const flowSeen = new Set<string>();
  for (const n of nodes) {
    const sp = n.span;
    const dur = Math.max(0, sp.endUs - sp.startUs);
    const err = isError(sp);
    out.execution(n.key, sp.startUs, dur, err);
    const endpoint = endpointOf.get(n);
    if (endpoint) {
      out.execution(endpoint, sp.startUs, dur, err, segIndex.get(n));
    }
    const fn = intern(functionCodeObject(sp));
    if (fn) {
      out.execution(fn, sp.startUs, dur, err);
    }
    const sys = dbSystem(sp);
    const stmt = sys ? dbStatement(sp) : undefined;
    if (sys && stmt !== undefined) {
      out.statement(intern(`${sys}|${attr(sp, ATTR_DB_NAMESPACE, ATTR_DB_NAME) ?? ''}`), intern(normalizeStatement(stmt)), n.key, dur);
    }
    // Caller flow: the endpoints on the way from the trace root, then this span.
    const hops: string[] = [];
    const seen = new Set<Node>();
    for (let a: Node | undefined = n.parent; a && !seen.has(a); a = a.parent) {
      seen.add(a);
      const ep = endpointOf.get(a);
      if (ep) {
        hops.push(`${a.span.resource.serviceName}:${ep.slice(ep.indexOf(':', ep.indexOf(':') + 1) + 1)}`);
      }
    }
    if (hops.length > 0) {
      const flow = intern([...hops.reverse(), `${sp.resource.serviceName}:${sp.name}`].join(' → '));
      const id = `${n.key}\u0000${flow}`;
      if (!flowSeen.has(id)) {
        flowSeen.add(id);
        out.flow(n.key, flow);
      }
    }
    const root = segRootOf(n);
    for (const ex of exceptionsOf(sp)) {
      const keys = [n.key];
      if (fn) {
        keys.push(fn);
      }
      if (endpoint) {
        keys.push(endpoint);
      }
      // Spelled out: a spread gives every such object a map of its own (hundreds of bytes each).
      out.exception({
        type: ex.type,
        message: ex.message,
        escaped: ex.escaped,
        frames: ex.frames,
        timeUs: ex.timeUs,
        keys,
        traceId: trace.traceId,
        unhandled: ex.escaped || (root !== undefined && isError(root.span)),
      });
    }
    if (sp.kind === SpanKind.PRODUCER) {
      out.producer(`${trace.traceId}:${sp.spanId}`, sp.startUs, sp.endUs, n.key);
    }
  }
  let startUs = Infinity;
  let endUs = -Infinity;
  for (const n of nodes) {
    startUs = Math.min(startUs, n.span.startUs);
    endUs = Math.max(endUs, n.span.endUs);
  }
  return out.finish(trace.traceId, trace.runId, startUs, endUs, nodes.length);
}

/** The facts of the segment under `root`: repeats, DB count, time shares, breakdown, producer. */
function segmentOf(trace: AssembledTrace, root: Node, endpoint: string, members: Node[], inSeg: (n: Node) => boolean): SegmentInput {
  const s = root.span;
  const lo = s.startUs;
  const hi = Math.max(s.endUs, s.startUs);
  let dbCount = 0;
  const cover = new Map<string, [number, number][]>();
  const groups = new Map<string, { kind: 'db' | 'http'; spanKey: string; parentKey: string; target: string; count: number; timeUs: number }>();
  const inner = new Map<string, Set<string>>();
  for (const m of members) {
    const sp = m.span;
    if (!isSegmentRootKind(sp)) {
      if (!cover.has(m.key)) {
        cover.set(m.key, []);
      }
      cover.get(m.key)!.push([sp.startUs, sp.endUs]);
      // Every code object above this span (below the root) wraps this one.
      const seen = new Set<Node>();
      for (let a = m.parent; a && a !== root && !seen.has(a); a = a.parent) {
        seen.add(a);
        if (a.key !== m.key) {
          const set = inner.get(a.key) ?? new Set<string>();
          set.add(m.key);
          inner.set(a.key, set);
        }
      }
    }
    const sys = dbSystem(sp);
    if (sys) {
      dbCount++;
    }
    const stmt = sys ? dbStatement(sp) : undefined;
    const http = sys ? undefined : httpClientTarget(sp);
    const target = intern(stmt !== undefined ? normalizeStatement(stmt) : http);
    if (target !== undefined) {
      const kind = stmt !== undefined ? 'db' : 'http';
      const g = `${kind}\u0000${sp.parentSpanId ?? ''}\u0000${target}`;
      const e = groups.get(g) ?? { kind, spanKey: m.key, parentKey: m.parent?.key ?? '', target, count: 0, timeUs: 0 };
      e.count++;
      e.timeUs += sp.endUs - sp.startUs;
      groups.set(g, e);
    }
  }
  const coverUs = new Map<string, number>();
  for (const [key, ivs] of cover) {
    coverUs.set(key, unionLength(ivs, lo, hi));
  }
  const innerUs = new Map<string, number>();
  for (const [key, below] of inner) {
    let most = 0;
    for (const d of below) {
      most = Math.max(most, coverUs.get(d) ?? 0);
    }
    innerUs.set(key, most);
  }
  const best = new Map<string, RepeatFact>();
  for (const g of groups.values()) {
    const id = `${g.kind}\u0000${g.target}`;
    const cur = best.get(id);
    if (!cur || g.count > cur.repeats || (g.count === cur.repeats && g.timeUs > cur.timeUs)) {
      best.set(id, { kind: g.kind, spanKey: g.spanKey, parentKey: g.parentKey, target: g.target, repeats: g.count, timeUs: g.timeUs });
    }
  }
  const repeats = [...best.values()].filter((r) => r.repeats >= 2).sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : a.kind < b.kind ? -1 : 1));
  // Exclusive time by kind; the root's exclusive time is the endpoint's self time.
  const byKind: Record<BreakdownKind, number> = { db: 0, http: 0, messaging: 0, internal: 0, self: 0 };
  for (const n of [root, ...members]) {
    const kids = n.children.filter(inSeg).map((c) => [c.span.startUs, c.span.endUs] as [number, number]);
    const excl = Math.max(0, n.span.endUs - n.span.startUs - unionLength(kids, n.span.startUs, n.span.endUs));
    byKind[n === root ? 'self' : kindCategory(n.span)] += excl;
  }
  const childCover = new Map<string, [number, number][]>();
  for (const c of root.children.filter(inSeg)) {
    if (!childCover.has(c.key)) {
      childCover.set(c.key, []);
    }
    childCover.get(c.key)!.push([c.span.startUs, c.span.endUs]);
  }
  const children: [string, number][] = [];
  for (const [key, ivs] of childCover) {
    children.push([key, unionLength(ivs, lo, hi)]);
  }
  let producerRef: string | undefined;
  if (s.kind === SpanKind.CONSUMER) {
    if (root.parent && root.parent.span.kind === SpanKind.PRODUCER) {
      producerRef = `${trace.traceId}:${root.parent.span.spanId}`;
    } else if (s.links.length > 0) {
      producerRef = `${s.links[0].traceId}:${s.links[0].spanId}`;
    }
  }
  return {
    endpoint,
    service: s.resource.serviceName,
    producerRef,
    startUs: s.startUs,
    durUs: hi - lo,
    error: isError(s),
    dbCount,
    kindUs: BREAKDOWN_KINDS.map((k) => byKind[k]),
    cover: coverUs,
    inner: innerUs,
    children,
    repeats,
  };
}
